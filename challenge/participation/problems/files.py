"""A problem's optional photo (JPEG, PNG) or PDF: uploaded through the document pipeline and its
checks (type sniffed, size, PDF safety, checksum; audited), owned by the problem (owner type
"problem"). A published problem's file (or a merged one's that had been published) is read by
anyone, any other by its author and staff only. Everyone but the author and staff gets it under a
neutral name — a file's own name may carry a person's name — and as a copy without metadata
(EXIF with the author and GPS position, PDF Info and XMP: the document pipeline's redaction)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from uuid import UUID

from challenge.participation import policies
from challenge.participation.tables import ResidentProblem
from challenge.platform.documents.downloads import (
    copy_to_file,
    metadata_stripper,
    neutral_filename,
)
from challenge.platform.documents.rules import MB, UploadRules
from challenge.platform.documents.uploads import delete_document, store_form_file
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem

OWNER_TYPE = "problem"
RULES = UploadRules(
    allowed_types=("image/jpeg", "image/png", "application/pdf"), max_bytes=10 * MB, max_files=1
)
NEUTRAL_PREFIX = "Anhang"


async def store(actor, storage, multipart, problem_id: UUID) -> dict:
    """The chosen file as a stored document of the (not yet written) problem."""
    return await store_form_file(
        storage,
        multipart,
        rules=RULES,
        owner_type=OWNER_TYPE,
        owner_id=str(problem_id),
        actor=actor,
        kind="problem",
    )


UNREADABLE = N_("This file cannot be read. Please save it again as JPEG, PNG or PDF.")


async def check_redactable(storage, document: dict) -> None:
    """The public reads a copy without metadata, made when it is downloaded: a file that cannot
    be rewritten so (a damaged image) is refused at once — 422 ``document_unreadable`` on the
    file — rather than being unreadable for everyone once the problem is published."""
    strip = metadata_stripper(document["content_type"])
    if strip is None:
        return
    folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="challenge-problem-"))
    try:
        original = folder / "original"
        await copy_to_file(storage, document["storage_key"], original)
        await asyncio.to_thread(strip, original, folder / "redacted")
    except Exception:
        raise Problem(
            422, "document_unreadable", UNREADABLE, errors=[FieldError("file", UNREADABLE)]
        ) from None
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)


async def discard(storage, document: dict | None, actor) -> None:
    """Remove a stored file whose problem was refused (audited like the upload)."""
    if document is not None:
        await delete_document(storage, document, actor)


async def _owner(document: dict) -> dict | None:
    try:
        problem_id = UUID(document["owner_id"])
    except ValueError:
        return None
    return (
        await ResidentProblem.select(
            ResidentProblem.id,
            ResidentProblem.status,
            ResidentProblem.author,
            ResidentProblem.published_at,
        )
        .where(ResidentProblem.id == problem_id)
        .first()
    )


async def document_reader(user, document: dict) -> bool:
    """Anyone reads a public problem's file; a pending or declined one's: author and staff."""
    problem = await _owner(document)
    return problem is not None and policies.may_see_problem(user, problem)


def _own(user, problem: dict | None) -> bool:
    return (
        problem is not None
        and user is not None
        and (policies.may_moderate(user) or problem["author"] == user.id)
    )


async def document_namer(user, document: dict) -> str | None:
    """Anhang.<ext> for everyone but the author and staff (the upload's own name stays theirs)."""
    if _own(user, await _owner(document)):
        return None
    return public_name(document["filename"])


async def redacted_reader(user, document: dict) -> bool:
    """Everyone but the author and staff reads the file without its metadata."""
    return not _own(user, await _owner(document))


def public_name(filename: str) -> str:
    """The file's name as the public sees it: Anhang-1.<ext>."""
    return neutral_filename(1, filename, NEUTRAL_PREFIX)


async def file_info(document_id: UUID | None) -> dict | None:
    """The link to a problem's file with its neutral name, type and size (None: no file)."""
    from challenge.platform.documents.uploads import get_document

    if document_id is None:
        return None
    document = await get_document(document_id)
    if document is None:
        return None
    return {
        "href": f"/api/v1/documents/{document['id']}",
        "name": public_name(document["filename"]),
        "content_type": document["content_type"],
        "size": document["size"],
    }
