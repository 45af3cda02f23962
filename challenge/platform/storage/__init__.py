"""Document storage: one interface, a local folder or an S3 bucket (CHALLENGE_STORAGE)."""

from challenge.platform.storage.base import Storage, StorageUnavailable
from challenge.platform.storage.factory import storage_from_settings

__all__ = ["Storage", "StorageUnavailable", "storage_from_settings"]
