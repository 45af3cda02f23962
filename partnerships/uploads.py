"""Upload rules of partnerships and the clean-up when a service refuses a stored upload."""

from __future__ import annotations

from challenge.platform.documents.rules import UploadRules
from challenge.platform.documents.tables import Document

MB = 1024 * 1024
# A signed copy is the portal's own PDF/A-3 contract (its OCDS release embedded) signed and sent back.
SIGNED_RULES = UploadRules(
    allowed_types=("application/pdf",), max_bytes=30 * MB, max_files=20, allow_embedded_files=True
)
EVIDENCE_RULES = UploadRules(max_bytes=50 * MB, max_files=200)


async def discard(storage, document: dict) -> None:
    """Forget a stored upload that a refusal left without purpose: marked deleted, bytes removed."""
    await Document.update({Document.status: "deleted"}).where(Document.id == document["id"])
    await storage.delete(document["storage_key"])
