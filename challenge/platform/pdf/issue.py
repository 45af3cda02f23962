"""Issuing a PDF: render it with a verification code, store it as a document, audit it."""

from __future__ import annotations

import asyncio
from datetime import datetime

from challenge import db
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import storage_unavailable
from challenge.platform.pdf.codes import new_verification_code
from challenge.platform.storage import Storage, StorageUnavailable, new_key


async def issue_pdf(
    storage: Storage,
    *,
    template: str,
    context: dict,
    locale: str,
    title: str,
    filename: str,
    kind: str,
    owner_type: str,
    owner_id: str,
    public: bool = False,
    actor=None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> dict:
    """Render, store and record a PDF the portal vouches for; returns the document row."""
    from challenge.platform.pdf.render import render_pdf  # WeasyPrint loads only when needed

    code = new_verification_code()
    issued_at = clock.now()
    pdf = await asyncio.to_thread(
        render_pdf,
        template,
        locale=locale,
        attachments=attachments,
        verification_code=code,
        issued_at=issued_at,
        title=title,
        **context,
    )
    return await store_issued(
        storage,
        pdf,
        code=code,
        issued_at=issued_at,
        title=title,
        filename=filename,
        kind=kind,
        owner_type=owner_type,
        owner_id=owner_id,
        public=public,
        actor=actor,
    )


async def store_issued(
    storage: Storage,
    pdf: bytes,
    *,
    code: str,
    issued_at: datetime,
    title: str,
    filename: str,
    kind: str,
    owner_type: str,
    owner_id: str,
    public: bool = False,
    actor=None,
) -> dict:
    """Store a PDF rendered elsewhere (e.g. in a process pool) with its code; audit it."""
    key = new_key(kind)

    async def chunks():
        yield pdf

    try:
        stored = await storage.put_stream(
            key, chunks(), content_type="application/pdf", max_bytes=len(pdf)
        )
    except StorageUnavailable:
        raise storage_unavailable() from None
    try:
        async with db.write_transaction():
            document = Document(
                storage_key=key,
                kind=kind,
                status="stored",
                owner_type=owner_type,
                owner_id=owner_id,
                filename=filename,
                content_type="application/pdf",
                size=stored.size,
                sha256=stored.sha256,
                title=title,
                public=public,
                verification_code=code,
                uploaded_by=getattr(actor, "id", None),
                created_at=issued_at,
            )
            await document.save()
            await record(
                "document.issued",
                actor=actor,
                object_type="document",
                object_id=document.id,
                payload={"kind": kind, "sha256": stored.sha256, "code": code},
            )
    except BaseException:
        await storage.delete(key)
        raise
    return document.to_dict()
