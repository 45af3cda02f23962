"""The upload pipeline: sniff, stream to storage while hashing, verify, then commit the row.

Nothing is kept on any refusal: a bad name or type is refused before storage sees a byte;
a file too large is refused mid-stream and its partial object removed; a PDF is spooled to a
temporary file on the way and checked by qpdf (pdfsafety) before its row is written, and its
object removed on a refusal; if the database commit fails, the stored object is deleted again.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID

from challenge import db
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.documents.pdfsafety import check_pdf
from challenge.platform.documents.rules import UploadRules
from challenge.platform.documents.sniff import SNIFF_BYTES, check_filename, check_type, sniff
from challenge.platform.documents.tables import Document
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem
from challenge.platform.storage import Storage, StorageUnavailable, TooLarge, new_key

log = logging.getLogger("challenge.documents")


def storage_unavailable() -> Problem:
    """503 with Retry-After: the storage cannot be reached, nothing was saved."""
    return Problem(
        503,
        "storage_unavailable",
        N_(
            "The document storage cannot be reached right now. Nothing was saved; please try again in a few minutes."
        ),
        headers={"Retry-After": "30"},
    )


def too_large(limit: int) -> Problem:
    """413 naming the file field and the limit in bytes."""
    message = N_("The file is larger than allowed.")
    return Problem(
        413,
        "file_too_large",
        message,
        errors=[FieldError("file", message)],
        extra={"max_bytes": limit},
    )


async def _read_head(chunks: AsyncIterator[bytes]) -> bytes:
    head = b""
    async for chunk in chunks:
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    return head


async def count_documents(owner_type: str, owner_id: str) -> int:
    """How many stored documents the owner has."""
    return await Document.count().where(
        (Document.owner_type == owner_type)
        & (Document.owner_id == owner_id)
        & (Document.status == "stored")
    )


async def store_upload(
    storage: Storage,
    *,
    chunks: AsyncIterator[bytes],
    filename: str,
    rules: UploadRules,
    owner_type: str,
    owner_id: str,
    actor,
    kind: str = "upload",
) -> dict:
    """Run an upload through every check and store it; returns the document row."""
    name = check_filename(filename)
    if await count_documents(owner_type, owner_id) >= rules.max_files:
        raise Problem(
            422,
            "too_many_files",
            N_("The maximum number of files is reached."),
            extra={"max_files": rules.max_files},
        )
    iterator = chunks.__aiter__()
    head = await _read_head(iterator)
    if not head:
        message = N_("The file is empty.")
        raise Problem(422, "empty_file", message, errors=[FieldError("file", message)])
    media_type = check_type(name, sniff(head), rules.allowed_types)
    checked = media_type == "application/pdf" and rules.refuse_pdf_scripts
    with tempfile.TemporaryDirectory(prefix="challenge-upload-") as folder:
        spool = Path(folder) / "upload.pdf" if checked else None
        key = new_key(kind)
        stored = await _put(
            storage, key, head, iterator, spool, media_type=media_type, max_bytes=rules.max_bytes
        )
        try:
            if spool is not None:
                await asyncio.to_thread(check_pdf, spool, rules.allowed_pdf_content)
            await _verify_stored(storage, key, stored)
            return await _commit(
                key, name, media_type, stored.size, stored.sha256, owner_type, owner_id, actor, kind
            )
        except BaseException:
            await remove_object(storage, key)
            raise


async def store_form_file(storage: Storage, multipart, **upload) -> dict:
    """The file part of a form (MultipartUpload, after ``start``) through :func:`store_upload`
    (``upload``: its keyword arguments but the chunks and the name); the rest of the form is
    read afterwards, so fields after the file are there too."""
    document = await store_upload(
        storage, chunks=multipart.chunks(), filename=multipart.filename or "", **upload
    )
    await multipart.rest()
    return document


async def _put(
    storage: Storage,
    key: str,
    head: bytes,
    rest: AsyncIterator[bytes],
    spool: Path | None,
    *,
    media_type: str,
    max_bytes: int,
):
    """Stream the upload to storage (and, for a PDF to check, to the spool file on the way)."""
    handle = await asyncio.to_thread(open, spool, "wb") if spool is not None else None

    async def body() -> AsyncIterator[bytes]:
        if handle:
            await asyncio.to_thread(handle.write, head)
        yield head
        async for chunk in rest:
            if handle:
                await asyncio.to_thread(handle.write, chunk)
            yield chunk

    try:
        return await storage.put_stream(key, body(), content_type=media_type, max_bytes=max_bytes)
    except TooLarge:
        raise too_large(max_bytes) from None
    except StorageUnavailable as exc:
        # The PUT may have arrived although its answer did not: remove it where we can.
        log.warning("upload to %s failed: %s", key, exc)
        await remove_object(storage, key)
        raise storage_unavailable() from None
    finally:
        if handle:
            await asyncio.to_thread(handle.close)


async def _verify_stored(storage: Storage, key: str, stored) -> None:
    """The storage holds the object as it was sent (size, and checksum where it tells one)."""
    try:
        info = await storage.head(key)
    except StorageUnavailable as exc:
        log.warning("checking the stored upload %s failed: %s", key, exc)
        raise storage_unavailable() from None
    if info is None or info.size != stored.size or (info.sha256 and info.sha256 != stored.sha256):
        raise storage_unavailable()


async def remove_object(storage: Storage, key: str) -> bool:
    """Delete an object an upload wrote; if the storage refuses, log it and leave it to the
    orphan clean-up (it removes objects without a row after a day). Never raises."""
    try:
        await storage.delete(key)
    except (StorageUnavailable, OSError) as exc:
        log.warning("could not remove %s, the orphan clean-up will: %s", key, exc)
        return False
    return True


async def _commit(key, name, media_type, size, sha256, owner_type, owner_id, actor, kind) -> dict:
    async with db.write_transaction():
        duplicate = await Document.exists().where(
            (Document.owner_type == owner_type)
            & (Document.owner_id == owner_id)
            & (Document.sha256 == sha256)
            & (Document.status == "stored")
        )
        if duplicate:
            message = N_("This file has already been uploaded.")
            raise Problem(409, "duplicate_document", message, errors=[FieldError("file", message)])
        document = Document(
            storage_key=key,
            kind=kind,
            status="stored",
            owner_type=owner_type,
            owner_id=owner_id,
            filename=name,
            content_type=media_type,
            size=size,
            sha256=sha256,
            uploaded_by=getattr(actor, "id", None),
            created_at=clock.now(),
        )
        await document.save()
        await record(
            "document.uploaded",
            actor=actor,
            object_type="document",
            object_id=document.id,
            payload={
                "owner_type": owner_type,
                "owner_id": owner_id,
                "size": size,
                "sha256": sha256,
            },
        )
    return document.to_dict()


async def delete_document(storage: Storage, document: dict, actor) -> None:
    """Remove the row (audited) and then the object."""
    async with db.write_transaction():
        await Document.delete().where(Document.id == document["id"])
        await record(
            "document.deleted",
            actor=actor,
            object_type="document",
            object_id=document["id"],
            payload={"sha256": document["sha256"]},
        )
    await remove_object(storage, document["storage_key"])


async def get_document(document_id: UUID) -> dict | None:
    """A stored document's row, or None."""
    return (
        await Document.select()
        .where((Document.id == document_id) & (Document.status == "stored"))
        .first()
    )
