"""What an upload form page shows after its POST: the form's answer is a redirect (post,
redirect, get) to the page it came from, never a page rendered at the POST's address.

Multipart uploads carry their CSRF token in the action's query string (their bodies stream and
are not parsed by the CSRF middleware). A page rendered in answer to the POST would leave that
address — token included — in the address bar, the history, the language switch's ``next`` and
the Referer of the next click. So the page answers a refusal with a redirect to the form page
and a stable code (``?refused=file_too_large``), and a stored file with ``?uploaded=1``; the
form page looks the code's words up here (never words from the URL). A 5xx (the storage is
down) is still rendered at once with its status, for clients that retry."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar.response import Redirect

from challenge.platform.documents.pdfsafety import REFUSALS as PDF_REFUSALS
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem

UPLOAD_REFUSALS = {
    "file_too_large": N_("The file is larger than allowed."),
    "too_many_files": N_("The maximum number of files is reached."),
    "empty_file": N_("The file is empty."),
    "unsupported_type": N_("This file type is not accepted here."),
    "type_mismatch": N_("The file name does not match its content."),
    "bad_filename": N_(
        "The file name is not accepted: use a name without folders or control characters, "
        "at most 255 characters long."
    ),
    "duplicate_document": N_("This file has already been uploaded."),
    "validation_error": N_("Choose a file to upload."),
    "deadline_passed": N_("The deadline has passed; nothing was changed."),
    "withdrawn": N_("This proposal was withdrawn and cannot be changed."),
    **PDF_REFUSALS,
}
UPLOAD_FAILED = N_("The file could not be uploaded. Please try again.")


def refused(form_path: str, problem: Problem) -> Redirect | None:
    """The redirect to the form page naming the refusal's code — for refusals of the file. None
    for a 5xx and for who-may refusals (401, 403, 404): those stay errors of the request, as on
    every other route (a 404 must not turn into a redirect that tells the object exists)."""
    if problem.status >= 500 or problem.status in (401, 403, 404):
        return None
    return Redirect(f"{form_path}?{urlencode({'refused': problem.code})}", status_code=303)


def uploaded(form_path: str) -> Redirect:
    """The redirect to the form page after a stored upload (it shows a success notice)."""
    return Redirect(f"{form_path}?uploaded=1", status_code=303)


def upload_errors(refused_code: str | None) -> dict[str, str]:
    """The form page's field errors for a refusal code from its URL ({} without one)."""
    if not refused_code:
        return {}
    return {"file": UPLOAD_REFUSALS.get(refused_code, UPLOAD_FAILED)}
