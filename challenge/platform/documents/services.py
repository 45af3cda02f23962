"""Documents as people ask for them: one they may read, their own library, one of its files.

Access is decided by the functions in ``documents/policies.py``; a document the caller may
not see answers 404, never 403, so nobody can probe which documents exist."""

from __future__ import annotations

from uuid import UUID

from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.documents.policies import may_manage_library, may_read
from challenge.platform.documents.rules import library_rules
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import get_document, store_upload
from challenge.platform.i18n import N_
from challenge.platform.problems import not_found


async def readable_document(user, document_id: UUID) -> dict:
    """The document if the user may read it — otherwise 404."""
    document = await get_document(document_id)
    if document is None or not await may_read(user, document):
        raise not_found(N_("Document not found"))
    return document


async def library_of(user) -> list[dict]:
    """The user's own stored documents, newest first."""
    return (
        await Document.select()
        .where(
            (Document.owner_type == "user")
            & (Document.owner_id == str(user.id))
            & (Document.status == "stored")
        )
        .order_by(Document.created_at, ascending=False)
    )


async def library_document(user, document_id: UUID) -> dict:
    """One document of the user's library that they may manage — otherwise 404."""
    document = await get_document(document_id)
    if document is None or not may_manage_library(user, document):
        raise not_found(N_("Document not found"))
    return document


async def upload_to_library(user, storage, settings, upload: MultipartUpload) -> dict:
    """Stream the request's file into the user's library under the library's rules."""
    await upload.start()
    return await store_upload(
        storage,
        chunks=upload.chunks(),
        filename=upload.filename or "",
        rules=library_rules(settings),
        owner_type="user",
        owner_id=str(user.id),
        actor=user,
    )
