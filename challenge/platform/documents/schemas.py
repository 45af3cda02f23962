"""JSON shapes of documents (API.md, Document)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec


class DocumentOut(msgspec.Struct):
    id: UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


class DirectUploadIn(msgspec.Struct):
    filename: str
    content_type: str
    size: int


class DirectUploadOut(msgspec.Struct):
    mode: str
    document_id: UUID | None = None
    url: str | None = None
    fields: dict[str, str] | None = None
    expires_in: int | None = None


class ConfirmIn(msgspec.Struct):
    sha256: str


def document_out(row: dict) -> DocumentOut:
    return DocumentOut(
        id=row["id"],
        filename=row["filename"],
        content_type=row["content_type"],
        size=row["size"],
        sha256=row["sha256"],
        created_at=row["created_at"],
    )
