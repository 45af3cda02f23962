"""Document storage: one interface, a local folder or an S3 bucket (CHALLENGE_STORAGE)."""

from challenge.platform.storage.base import (
    ObjectInfo,
    PutResult,
    Storage,
    StorageUnavailable,
    TooLarge,
    new_key,
)
from challenge.platform.storage.factory import storage_from_settings

__all__ = [
    "ObjectInfo",
    "PutResult",
    "Storage",
    "StorageUnavailable",
    "TooLarge",
    "new_key",
    "storage_from_settings",
]
