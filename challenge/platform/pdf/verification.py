"""Looking up PDFs the portal issued, by printed code or by the SHA-256 of the file."""

from __future__ import annotations

from challenge.platform.documents.tables import Document


async def find_issued(*, code: str | None = None, sha256: str | None = None) -> dict | None:
    """An issued PDF by its printed code or by the SHA-256 of its bytes."""
    query = Document.select(
        Document.id,
        Document.kind,
        Document.title,
        Document.created_at,
        Document.sha256,
        Document.verification_code,
        Document.public,
        Document.size,
    ).where(Document.verification_code.is_not_null() & (Document.status == "stored"))
    if code:
        query = query.where(Document.verification_code == code)
    elif sha256:
        query = query.where(Document.sha256 == sha256)
    else:
        return None
    return await query.first()
