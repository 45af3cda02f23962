"""The storage interface every backend implements, and what it returns."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import quote

from challenge.platform import clock

CHUNK = 64 * 1024


class StorageUnavailable(Exception):
    """The storage backend cannot be reached or refused the operation."""


class TooLarge(Exception):
    """The stream went past the allowed size; nothing was kept."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class PutResult:
    size: int
    sha256: str


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    sha256: str | None
    content_type: str | None
    last_modified: datetime


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback and the RFC 5987 UTF-8 name."""
    fallback = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def new_key(kind: str, now: datetime | None = None) -> str:
    """Server-made object key ``<kind>/<yyyy>/<uuid>`` — never derived from a user's filename."""
    if not kind.isascii() or not kind.replace("_", "").isalnum():
        raise ValueError(f"bad document kind {kind!r}")
    return f"{kind}/{(now or clock.now()).year:04d}/{uuid.uuid4()}"


class Storage(Protocol):
    name: str

    async def check(self) -> None:
        """Raise StorageUnavailable unless the backend can store documents right now."""

    async def put_stream(
        self, key: str, chunks: AsyncIterator[bytes], *, content_type: str, max_bytes: int
    ) -> PutResult:
        """Store a stream while hashing and counting; TooLarge (nothing kept) past max_bytes."""

    async def get_stream(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes in chunks."""

    async def read_range(self, key: str, start: int, length: int) -> bytes:
        """length bytes from start (for sniffing objects uploaded straight to storage)."""

    async def head(self, key: str) -> ObjectInfo | None:
        """Size, stored SHA-256 and type of an object, or None if it does not exist."""

    async def delete(self, key: str) -> None:
        """Remove the object (no error if it is already gone)."""

    async def list_objects(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        """Every object under prefix (for the orphan clean-up)."""

    async def abort_incomplete_uploads(self, older_than: datetime) -> int:
        """Abort unfinished uploads started before older_than (S3 multipart uploads, local
        partial files); returns how many were removed."""

    async def presigned_get(
        self, key: str, *, filename: str, content_type: str, expires: int
    ) -> str | None:
        """A short-lived download URL, or None if the backend cannot make one (local)."""

    async def presigned_post(
        self, key: str, *, content_type: str, max_bytes: int, expires: int
    ) -> dict | None:
        """URL and fields for a browser upload straight to storage, or None (local)."""
