"""Large uploads straight to S3: a presigned POST, then a confirm call the portal checks.

moto and some S3 services do not enforce the POST policy, so the confirm step checks the
object itself: its size, its SHA-256 (streamed) and its type (a ranged GET of the start).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from uuid import UUID

from challenge import db
from challenge.platform.audit.service import record
from challenge.platform.documents.rules import UploadRules
from challenge.platform.documents.sniff import (
    SNIFF_BYTES,
    PdfScriptScanner,
    check_filename,
    check_type,
    sniff,
)
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import count_documents, storage_unavailable, too_large
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.platform.storage import Storage, StorageUnavailable, new_key

UPLOAD_SECONDS = 15 * 60


async def start_direct_upload(
    storage: Storage, *, filename: str, content_type: str, size: int, rules: UploadRules,
    owner_type: str, owner_id: str, actor, kind: str = "upload",
) -> dict:
    """Reserve a key and return where the browser posts the file (or that it must stream)."""
    name = check_filename(filename)
    check_type(name, content_type if content_type in rules.allowed_types else None, rules.allowed_types)
    if size <= 0:
        raise Problem(422, "empty_file", N_("The file is empty."))
    if size > rules.max_bytes:
        raise too_large(rules.max_bytes)
    if await count_documents(owner_type, owner_id) >= rules.max_files:
        raise Problem(422, "too_many_files", N_("The maximum number of files is reached."))
    key = new_key(kind)
    try:
        post = await storage.presigned_post(key, content_type=content_type,
                                            max_bytes=rules.max_bytes, expires=UPLOAD_SECONDS)
    except StorageUnavailable:
        raise storage_unavailable() from None
    if post is None:
        return {"mode": "stream"}
    document = Document(
        storage_key=key, kind=kind, status="pending", owner_type=owner_type, owner_id=owner_id,
        filename=name, content_type=content_type, size=size, uploaded_by=getattr(actor, "id", None),
        created_at=datetime.now(UTC),
    )
    await document.save()
    return {"mode": "direct", "document_id": document.id, "url": post["url"],
            "fields": post["fields"], "expires_in": UPLOAD_SECONDS}


async def confirm_direct_upload(
    storage: Storage, *, document_id: UUID, sha256: str, rules: UploadRules, owner_type: str,
    owner_id: str, actor,
) -> dict:
    """Check what arrived in the bucket; keep it only if size, hash and type are right."""
    row = await Document.select().where(
        (Document.id == document_id) & (Document.status == "pending")
        & (Document.owner_type == owner_type) & (Document.owner_id == owner_id)
    ).first()
    if row is None:
        raise not_found(N_("Upload not found"))
    key = row["storage_key"]
    try:
        info = await storage.head(key)
        if info is None:
            raise Problem(422, "upload_missing", N_("The file has not arrived in the storage yet."))
        if info.size == 0 or info.size > rules.max_bytes:
            await _discard(storage, row)
            raise too_large(rules.max_bytes) if info.size else Problem(422, "empty_file", N_("The file is empty."))
        head = await storage.read_range(key, 0, SNIFF_BYTES)
        media_type = check_type(row["filename"], sniff(head), rules.allowed_types)
        digest, scanner = hashlib.sha256(), PdfScriptScanner()
        async for chunk in storage.get_stream(key):
            digest.update(chunk)
            if media_type == "application/pdf" and rules.refuse_pdf_scripts:
                scanner.feed(chunk)
    except StorageUnavailable:
        raise storage_unavailable() from None
    except Problem as problem:
        if problem.code != "upload_missing":
            await _discard(storage, row)
        raise
    if scanner.found:
        await _discard(storage, row)
        raise Problem(422, "pdf_javascript", N_("PDF files with scripts are not accepted."))
    actual = digest.hexdigest()
    if actual != sha256.lower():
        await _discard(storage, row)
        message = N_("The file changed on its way: its checksum does not match.")
        raise Problem(422, "checksum_mismatch", message, errors=[FieldError("sha256", message)])
    async with db.write_transaction():
        if await Document.exists().where(
            (Document.owner_type == owner_type) & (Document.owner_id == owner_id)
            & (Document.sha256 == actual) & (Document.status == "stored")
        ):
            duplicate = True
        else:
            duplicate = False
            await Document.update({Document.status: "stored", Document.size: info.size,
                                   Document.sha256: actual, Document.content_type: media_type}).where(
                Document.id == document_id)
            await record("document.uploaded", actor=actor, object_type="document", object_id=document_id,
                         payload={"owner_type": owner_type, "owner_id": owner_id, "size": info.size,
                                  "sha256": actual, "direct": True})
    if duplicate:
        await _discard(storage, row)
        raise Problem(409, "duplicate_document", N_("This file has already been uploaded."))
    return await Document.select().where(Document.id == document_id).first()


async def _discard(storage: Storage, row: dict) -> None:
    await Document.delete().where(Document.id == row["id"])
    try:
        await storage.delete(row["storage_key"])
    except StorageUnavailable:
        pass  # the orphan clean-up removes it
