"""Pick the storage backend named by the settings."""

from __future__ import annotations

from challenge.platform.storage.base import Storage
from challenge.settings import Settings


def storage_from_settings(settings: Settings) -> Storage:
    if settings.storage == "s3":
        from challenge.platform.storage.s3 import S3Storage

        return S3Storage(
            bucket=settings.s3_bucket or "",
            prefix=settings.s3_prefix,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            sse=settings.s3_sse,
            kms_key_id=settings.s3_kms_key_id,
            checksums=settings.s3_checksums,
        )
    from challenge.platform.storage.local import LocalStorage

    return LocalStorage(settings.documents_dir)
