"""The storage interface every backend implements."""

from __future__ import annotations

from typing import Protocol


class StorageUnavailable(Exception):
    """The storage backend cannot be reached or refused the operation."""


class Storage(Protocol):
    name: str

    async def check(self) -> None:
        """Raise StorageUnavailable unless the backend can store documents right now."""
