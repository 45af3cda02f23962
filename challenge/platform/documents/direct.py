"""Large uploads straight to S3: a presigned POST, then a confirm call the portal checks.

moto and some S3 services do not enforce the POST policy, so the confirm step checks the
object itself: its size, its SHA-256 and its type (a ranged GET of the start). The object is
spooled to a temporary file on the way, PDFs are checked by qpdf (pdfsafety), and the checked
bytes are stored under a fresh server-made key: the presigned POST stays usable until it
expires, so the key the browser posted to is deleted and never served.
"""

from __future__ import annotations

import asyncio
import hashlib
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
from challenge.platform.documents.uploads import (
    count_documents,
    remove_object,
    storage_unavailable,
    too_large,
)
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.platform.storage import Storage, StorageUnavailable, TooLarge, new_key
from challenge.platform.storage.base import CHUNK

UPLOAD_SECONDS = 15 * 60
log = logging.getLogger("challenge.documents")


async def start_direct_upload(
    storage: Storage,
    *,
    filename: str,
    content_type: str,
    size: int,
    rules: UploadRules,
    owner_type: str,
    owner_id: str,
    actor,
    kind: str = "upload",
) -> dict:
    """Reserve a key and return where the browser posts the file (or that it must stream)."""
    name = check_filename(filename)
    check_type(
        name, content_type if content_type in rules.allowed_types else None, rules.allowed_types
    )
    if size <= 0:
        raise Problem(422, "empty_file", N_("The file is empty."))
    if size > rules.max_bytes:
        raise too_large(rules.max_bytes)
    if await count_documents(owner_type, owner_id) >= rules.max_files:
        raise Problem(422, "too_many_files", N_("The maximum number of files is reached."))
    key = new_key(kind)
    try:
        post = await storage.presigned_post(
            key, content_type=content_type, max_bytes=rules.max_bytes, expires=UPLOAD_SECONDS
        )
    except StorageUnavailable:
        raise storage_unavailable() from None
    if post is None:
        return {"mode": "stream"}
    document = Document(
        storage_key=key,
        kind=kind,
        status="pending",
        owner_type=owner_type,
        owner_id=owner_id,
        filename=name,
        content_type=content_type,
        size=size,
        uploaded_by=getattr(actor, "id", None),
        created_at=clock.now(),
    )
    await document.save()
    return {
        "mode": "direct",
        "document_id": document.id,
        "url": post["url"],
        "fields": post["fields"],
        "expires_in": UPLOAD_SECONDS,
    }


async def confirm_direct_upload(
    storage: Storage,
    *,
    document_id: UUID,
    sha256: str,
    rules: UploadRules,
    owner_type: str,
    owner_id: str,
    actor,
) -> dict:
    """Check what arrived in the bucket; keep it only if size, hash and type are right."""
    row = await _pending_upload(document_id, owner_type, owner_id)
    media_type, size, actual, key = await _checked_copy(storage, row, rules, sha256)
    try:
        async with db.write_transaction():
            duplicate = await _mark_stored(
                row, key=key, size=size, sha256=actual, media_type=media_type
            )
            if duplicate is False:
                await record(
                    "document.uploaded",
                    actor=actor,
                    object_type="document",
                    object_id=document_id,
                    payload={
                        "owner_type": owner_type,
                        "owner_id": owner_id,
                        "size": size,
                        "sha256": actual,
                        "direct": True,
                    },
                )
    except BaseException:
        await _delete_object(storage, key)  # no row points at the checked copy
        raise
    if duplicate is None:
        await _delete_object(storage, key)
        raise not_found(N_("Upload not found"))
    if duplicate:
        await _discard(storage, {**row, "storage_key": key})
        raise Problem(409, "duplicate_document", N_("This file has already been uploaded."))
    return await Document.select().where(Document.id == document_id).first()


async def _pending_upload(document_id: UUID, owner_type: str, owner_id: str) -> dict:
    """The owner's pending upload, or 404."""
    row = (
        await Document.select()
        .where(
            (Document.id == document_id)
            & (Document.status == "pending")
            & (Document.owner_type == owner_type)
            & (Document.owner_id == owner_id)
        )
        .first()
    )
    if row is None:
        raise not_found(N_("Upload not found"))
    return row


async def _checked_copy(
    storage: Storage, row: dict, rules: UploadRules, sha256: str
) -> tuple[str, int, str, str]:
    """Type, size, SHA-256 and storage key of the checked copy of what arrived; the Problem
    (and the pending upload removed) if it is refused or its checksum differs."""
    with tempfile.TemporaryDirectory(prefix="challenge-confirm-") as folder:
        spool = Path(folder) / "upload"
        media_type, size, actual = await _check_object(storage, row, rules, spool)
        if actual != sha256.lower():
            await _discard(storage, row)
            message = N_("The file changed on its way: its checksum does not match.")
            raise Problem(422, "checksum_mismatch", message, errors=[FieldError("sha256", message)])
        key = await _store_checked(storage, row, spool, media_type, size, actual)
    return media_type, size, actual, key


async def _mark_stored(
    row: dict, *, key: str, size: int, sha256: str, media_type: str
) -> bool | None:
    """Mark the pending upload stored (inside the caller's transaction). Answers False when it
    was, True when the owner already has this file, None when a parallel confirm won."""
    if await Document.exists().where(
        (Document.owner_type == row["owner_type"])
        & (Document.owner_id == row["owner_id"])
        & (Document.sha256 == sha256)
        & (Document.status == "stored")
    ):
        return True
    confirmed = (
        await Document.update(
            {
                Document.status: "stored",
                Document.size: size,
                Document.storage_key: key,
                Document.sha256: sha256,
                Document.content_type: media_type,
            }
        )
        .where((Document.id == row["id"]) & (Document.status == "pending"))
        .returning(Document.id)
    )
    return False if confirmed else None


async def _check_object(
    storage: Storage, row: dict, rules: UploadRules, spool: Path
) -> tuple[str, int, str]:
    """Type, size and SHA-256 of what arrived, spooled to a file; the Problem (and the pending
    upload removed) if it is refused."""
    key = row["storage_key"]
    try:
        info = await storage.head(key)
        if info is None:
            raise Problem(422, "upload_missing", N_("The file has not arrived in the storage yet."))
        if info.size == 0 or info.size > rules.max_bytes:
            raise (
                too_large(rules.max_bytes)
                if info.size
                else Problem(422, "empty_file", N_("The file is empty."))
            )
        head = await storage.read_range(key, 0, SNIFF_BYTES)
        media_type = check_type(row["filename"], sniff(head), rules.allowed_types)
        digest, size = hashlib.sha256(), 0
        handle = await asyncio.to_thread(open, spool, "wb")
        try:
            async for chunk in storage.get_stream(key):
                size += len(chunk)
                if size > rules.max_bytes:  # it grew after the HEAD
                    raise too_large(rules.max_bytes)
                digest.update(chunk)
                await asyncio.to_thread(handle.write, chunk)
        finally:
            await asyncio.to_thread(handle.close)
        if media_type == "application/pdf" and rules.refuse_pdf_scripts:
            await asyncio.to_thread(check_pdf, spool, rules.allowed_pdf_content)
    except StorageUnavailable:
        raise storage_unavailable() from None
    except Problem as problem:
        if problem.code != "upload_missing":
            await _discard(storage, row)
        raise
    return media_type, size, digest.hexdigest()


async def _store_checked(
    storage: Storage, row: dict, spool: Path, media_type: str, size: int, sha256: str
) -> str:
    """The checked bytes under a fresh key; the key the browser posted to is deleted."""
    key = new_key(row["kind"])

    async def chunks() -> AsyncIterator[bytes]:
        handle = await asyncio.to_thread(open, spool, "rb")
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk
        finally:
            await asyncio.to_thread(handle.close)

    try:
        stored = await storage.put_stream(key, chunks(), content_type=media_type, max_bytes=size)
        if stored.sha256 != sha256:
            raise StorageUnavailable("the spooled copy changed")
        # The posted key goes before the copy counts; if the storage fails here, the copy goes
        # too and the upload stays pending, so confirming again works once the storage is back.
        await storage.delete(row["storage_key"])
    except (StorageUnavailable, TooLarge) as exc:
        log.warning("storing the checked upload %s failed: %s", row["id"], exc)
        await _delete_object(storage, key)
        raise storage_unavailable() from None
    return key


async def _discard(storage: Storage, row: dict) -> None:
    await Document.delete().where(Document.id == row["id"])
    await _delete_object(storage, row["storage_key"])


async def _delete_object(storage: Storage, key: str) -> None:
    await remove_object(storage, key)  # logged and left to the orphan clean-up if it fails
