"""PDF safety through qpdf (pikepdf): refusing active content, and copies without metadata.

Every object is read as qpdf parses it: names with ``#xx`` escapes come decoded, objects in
object streams are expanded, and objects nobody references are checked too. A second view
checks what a repairing reader sees when it rebuilds the cross-reference table from a full
scan of the file, so objects hidden behind the last ``%%EOF`` cannot slip past.

These functions are synchronous and work on files (uploads are spooled to disk, never held
in memory whole); callers run them in a worker thread.
"""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import pikepdf

from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem

# code -> message; each refusal has its own stable code.
REFUSALS = {
    "pdf_javascript": N_("PDF files with scripts or automatic actions are not accepted."),
    "pdf_launch_action": N_("PDF files that start other programs are not accepted."),
    "pdf_submit_form": N_("PDF files with forms that send data are not accepted."),
    "pdf_import_data": N_("PDF files that import data from other files are not accepted."),
    "pdf_rich_media": N_("PDF files with embedded media (Flash, 3D, video) are not accepted."),
    "pdf_embedded_file": N_("PDF files with attached or embedded files are not accepted."),
    "pdf_encrypted": N_("Encrypted or password-protected PDF files are not accepted."),
    "pdf_unparseable": N_("The PDF file is damaged and cannot be read."),
}

# Action types (/S) and what they are refused as.
_ACTIONS = {
    "/JavaScript": "pdf_javascript",
    "/Launch": "pdf_launch_action",
    "/SubmitForm": "pdf_submit_form",
    "/ImportData": "pdf_import_data",
    "/RichMediaExecute": "pdf_rich_media",
    "/GoToE": "pdf_embedded_file",
}
# Dictionary keys that are active content wherever they appear.
_KEYS = {
    "/JS": "pdf_javascript",
    "/JavaScript": "pdf_javascript",  # the document-level script name tree
    "/AA": "pdf_javascript",  # additional actions: run on open, close, focus, keystrokes …
    "/XFA": "pdf_javascript",  # XFA forms carry scripts
    "/RichMediaContent": "pdf_rich_media",
    "/RichMediaSettings": "pdf_rich_media",
    "/EmbeddedFiles": "pdf_embedded_file",  # the catalog's name tree of attachments
    "/EmbeddedFile": "pdf_embedded_file",
    "/EF": "pdf_embedded_file",  # a file specification carrying the file itself
}
# /Type or /Subtype values.
_TYPES = {
    "/RichMedia": "pdf_rich_media",
    "/3D": "pdf_rich_media",
    "/EmbeddedFile": "pdf_embedded_file",
    "/FileAttachment": "pdf_embedded_file",
}
REPAIR_TAIL = 1024  # a reader looks for startxref in the last kilobyte


def refusal(code: str) -> Problem:
    message = REFUSALS[code]
    return Problem(422, code, message, errors=[FieldError("file", message)])


def _name(value) -> str | None:
    return str(value) if isinstance(value, pikepdf.Name) else None


def _check_dictionary(dictionary, allowed: frozenset[str]) -> str | None:
    found = [_KEYS[key] for key in dictionary.keys() if key in _KEYS]
    for key, table in (("/S", _ACTIONS), ("/Type", _TYPES), ("/Subtype", _TYPES)):
        value = _name(dictionary.get(key))
        if value in table:
            found.append(table[value])
    return next((code for code in found if code not in allowed), None)


def _direct_container(value) -> bool:
    return isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect


def _walk(root, allowed: frozenset[str]) -> str | None:
    """The refusal code for the first active construct under root (direct objects only:
    indirect ones are visited on their own), or None."""
    stack = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Stream):
            dictionary = obj.stream_dict
        elif isinstance(obj, pikepdf.Dictionary):
            dictionary = obj
        elif isinstance(obj, pikepdf.Array):
            stack.extend(item for item in obj if _direct_container(item))
            continue
        else:
            continue
        if (found := _check_dictionary(dictionary, allowed)) is not None:
            return found
        stack.extend(value for value in dictionary.values() if _direct_container(value))
    return None


def _scan(pdf: pikepdf.Pdf, allowed: frozenset[str]) -> str | None:
    if pdf.is_encrypted:
        return "pdf_encrypted"
    if (found := _walk(pdf.trailer, allowed)) is not None:
        return found
    for obj in pdf.objects:
        if (found := _walk(obj, allowed)) is not None:
            return found
    return None


def _open(path: Path) -> pikepdf.Pdf:
    return pikepdf.open(path, suppress_warnings=True)


_STAND_IN = (
    "\n{0} 0 obj\n<< /Type /Catalog /Pages {1} 0 R >>\nendobj\n"
    "{1} 0 obj\n<< /Type /Pages /Kids [{2} 0 R] /Count 1 >>\nendobj\n"
    "{2} 0 obj\n<< /Type /Page /Parent {1} 0 R /MediaBox [0 0 1 1] >>\nendobj\n"
    "trailer\n<< /Root {0} 0 R /Size {3} >>\n%%EOF\n"
)


def _repaired_copy(path: Path, target: Path, objects: int) -> None:
    """A copy that qpdf must rebuild from every object in the file, as a repairing reader does:
    the final startxref and trailer keywords are blanked out and a stand-in root is appended
    (so the rebuilt file opens even when a hidden object replaced the real root). Its object
    numbers are unpredictable, so a hidden object cannot be shadowed by the stand-in."""
    shutil.copyfile(path, target)
    with open(target, "r+b") as handle:
        handle.seek(0, 2)
        length = handle.tell()
        start = max(0, length - REPAIR_TAIL)
        handle.seek(start)
        tail = handle.read()
        for keyword in (b"startxref", b"trailer"):
            tail = tail.replace(keyword, b"%" * len(keyword))
        handle.seek(start)
        handle.write(tail)
        first = objects + 1 + secrets.randbelow(max(1, length // 20))
        handle.seek(0, 2)
        handle.write(_STAND_IN.format(first, first + 1, first + 2, first + 3).encode())


def active_content(path: Path, allowed: frozenset[str] = frozenset()) -> str | None:
    """The refusal code for a PDF file, or None if it carries no active content. ``allowed``
    names codes a context accepts (e.g. ``pdf_embedded_file`` for a signed copy of a contract
    the portal issued with its data file embedded)."""
    try:
        with _open(path) as pdf:
            found = _scan(pdf, allowed)
            objects = max(int(pdf.trailer.get("/Size", 0)), len(pdf.objects))
    except pikepdf.PasswordError:
        return "pdf_encrypted"
    except (pikepdf.PdfError, RecursionError, ValueError, RuntimeError):
        return "pdf_unparseable"
    if found is not None:
        return found
    repaired = path.with_name(path.name + ".repaired")
    try:
        _repaired_copy(path, repaired, objects)
        try:
            with _open(repaired) as pdf:
                return _scan(pdf, allowed)
        except pikepdf.PasswordError:
            return "pdf_encrypted"
        except (pikepdf.PdfError, RecursionError, ValueError, RuntimeError):
            # Readable through its table but not when rebuilt from its objects: objects
            # outside the table replace parts of the document for repairing readers.
            return "pdf_unparseable"
    finally:
        repaired.unlink(missing_ok=True)


def check_pdf(path: Path, allowed: frozenset[str] = frozenset()) -> None:
    """Raise the Problem for a PDF with active content, encryption or a broken structure."""
    if (code := active_content(path, allowed)) is not None:
        raise refusal(code)


_ANNOTATION_AUTHOR_KEEP = {"/Widget", "/Link"}  # their /T is a field name, not an author


def strip_metadata(source: Path, target: Path) -> None:
    """A copy without the Info dictionary, XMP packets, application data and comment authors."""
    with _open(source) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        for obj in [pdf.Root, *pdf.objects]:
            dictionary = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
            if not isinstance(dictionary, pikepdf.Dictionary):
                continue
            for key in ("/Metadata", "/PieceInfo"):
                if key in dictionary:
                    del dictionary[key]
            subtype = _name(dictionary.get("/Subtype"))
            if _name(dictionary.get("/Type")) == "/Annot" or (subtype and "/Rect" in dictionary):
                if subtype not in _ANNOTATION_AUTHOR_KEEP and "/T" in dictionary:
                    del dictionary["/T"]
        pdf.save(target, fix_metadata_version=False, deterministic_id=True)
