"""What a file really is: its type from its first bytes, checked against its name.

What a PDF contains (scripts, actions, attachments) is checked by qpdf in pdfsafety.py."""

from __future__ import annotations

import re
import unicodedata

from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem

# Types the portal accepts anywhere, with the file name endings that may carry them.
EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}
LABELS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
SNIFF_BYTES = 8192
MAX_NAME = 255
_BIDI_AND_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def sniff(head: bytes) -> str | None:
    """The media type the content starts like, or None for anything not accepted."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def check_filename(filename: str) -> str:
    """The display name, or a Problem for names that try tricks (paths, controls, RTL, length)."""
    name = unicodedata.normalize("NFC", filename or "").strip()
    problem = None
    if not name:
        problem = N_("The file has no name.")
    elif len(name) > MAX_NAME:
        problem = N_("The file name is longer than 255 characters.")
    elif "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        problem = N_("The file name must not contain a path.")
    elif any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name) or _BIDI_AND_INVISIBLE.search(
        name
    ):
        problem = N_("The file name contains control or direction characters.")
    if problem:
        raise Problem(422, "bad_filename", problem, errors=[FieldError("file", problem)])
    return name


def check_type(filename: str, media_type: str | None, allowed: tuple[str, ...]) -> str:
    """The accepted media type for this content and name, or a Problem saying what is wrong."""
    allowed_labels = ", ".join(LABELS[t] for t in allowed)
    if media_type is None or media_type not in allowed:
        raise Problem(
            415,
            "unsupported_type",
            N_("This file type is not accepted here."),
            errors=[FieldError("file", N_("This file type is not accepted here."))],
            extra={"allowed": allowed_labels},
        )
    if not filename.lower().endswith(EXTENSIONS[media_type]):
        raise Problem(
            422,
            "type_mismatch",
            N_("The file name does not match its content."),
            errors=[FieldError("file", N_("The file name does not match its content."))],
            extra={"detected": LABELS[media_type]},
        )
    return media_type
