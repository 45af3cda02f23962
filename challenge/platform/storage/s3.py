"""Documents in an S3-compatible bucket through boto3 (AWS, MinIO, Ceph, …).

boto3 is synchronous: every call runs in a worker thread. Uploads stream: objects up to
PART_SIZE go in one PUT, larger ones as a multipart upload, so memory stays near two parts.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from challenge.platform.storage.base import (
    CHUNK,
    ObjectInfo,
    PutResult,
    StorageUnavailable,
    TooLarge,
    content_disposition,
)

PART_SIZE = 5 * 1024 * 1024  # the smallest part S3 accepts
log = logging.getLogger("challenge.storage")


class S3Storage:
    name = "s3"

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        sse: str | None = None,
        kms_key_id: str | None = None,
        checksums: str = "when_required",
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.sse = sse
        self.kms_key_id = kms_key_id
        config = Config(
            retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=2,
            read_timeout=30,
            # Many non-AWS services reject the CRC checksums newer botocore adds by default.
            request_checksum_calculation=checksums,
            response_checksum_validation=checksums,
            signature_version="s3v4",
        )
        # Credentials come from the standard AWS_* variables / instance profile.
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region, config=config
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def _encryption(self) -> dict:
        if not self.sse:
            return {}
        extra = {"ServerSideEncryption": self.sse}
        if self.sse == "aws:kms" and self.kms_key_id:
            extra["SSEKMSKeyId"] = self.kms_key_id
        return extra

    async def _call(self, method: str, **kwargs):
        try:
            return await asyncio.to_thread(getattr(self.client, method), **kwargs)
        except ClientError as exc:
            raise StorageUnavailable(
                f"{method}: {exc.response.get('Error', {}).get('Code')}"
            ) from None
        except BotoCoreError as exc:
            raise StorageUnavailable(f"{method}: {exc}") from None

    async def check(self) -> None:
        await self._call("head_bucket", Bucket=self.bucket)

    async def put_stream(
        self, key: str, chunks: AsyncIterator[bytes], *, content_type: str, max_bytes: int
    ) -> PutResult:
        digest, size = hashlib.sha256(), 0
        buffer = bytearray()
        upload = _Multipart(self, self._key(key), content_type)
        try:
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(max_bytes)
                digest.update(chunk)
                buffer += chunk
                if len(buffer) >= PART_SIZE:
                    # The part goes out as the bytearray itself (no 5 MB copy); a new one
                    # collects the next part, so a retry inside botocore re-reads intact bytes.
                    body, buffer = buffer, bytearray()
                    await upload.send(body)
            sha256 = digest.hexdigest()
            if upload.upload_id is None:
                await self._call(
                    "put_object",
                    Bucket=self.bucket,
                    Key=upload.key,
                    Body=bytes(buffer),
                    ContentType=content_type,
                    Metadata={"sha256": sha256},
                    **self._encryption(),
                )
            else:
                if buffer:
                    await upload.send(buffer)
                await upload.complete(sha256)
        except BaseException:
            await upload.abort()
            raise
        return PutResult(size=size, sha256=sha256)

    async def get_stream(self, key: str) -> AsyncIterator[bytes]:
        response = await self._call("get_object", Bucket=self.bucket, Key=self._key(key))
        body = response["Body"]
        try:
            while chunk := await asyncio.to_thread(body.read, CHUNK):
                yield chunk
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"get_object: {exc}") from None
        finally:
            body.close()

    async def read_range(self, key: str, start: int, length: int) -> bytes:
        response = await self._call(
            "get_object",
            Bucket=self.bucket,
            Key=self._key(key),
            Range=f"bytes={start}-{start + length - 1}",
        )
        try:
            return await asyncio.to_thread(response["Body"].read)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"get_object: {exc}") from None

    async def head(self, key: str) -> ObjectInfo | None:
        try:
            response = await asyncio.to_thread(
                self.client.head_object, Bucket=self.bucket, Key=self._key(key)
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise StorageUnavailable(f"head_object: {exc}") from None
        except BotoCoreError as exc:
            raise StorageUnavailable(f"head_object: {exc}") from None
        return ObjectInfo(
            key=key,
            size=response["ContentLength"],
            sha256=(response.get("Metadata") or {}).get("sha256"),
            content_type=response.get("ContentType"),
            last_modified=response["LastModified"],
        )

    async def delete(self, key: str) -> None:
        await self._call("delete_object", Bucket=self.bucket, Key=self._key(key))

    async def list_objects(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        token = None
        while True:
            kwargs = {"Bucket": self.bucket, "Prefix": self._key(prefix)}
            if token:
                kwargs["ContinuationToken"] = token
            page = await self._call("list_objects_v2", **kwargs)
            for item in page.get("Contents", []):
                yield ObjectInfo(
                    key=item["Key"].removeprefix(self.prefix),
                    size=item["Size"],
                    sha256=None,
                    content_type=None,
                    last_modified=item["LastModified"],
                )
            if not page.get("IsTruncated"):
                return
            token = page["NextContinuationToken"]

    async def abort_incomplete_uploads(self, older_than: datetime) -> int:
        """Abort the multipart uploads under the prefix initiated before older_than (what a
        killed process or a failed abort left behind); returns how many were aborted."""
        aborted = 0
        markers: dict = {}
        while True:
            page = await self._call(
                "list_multipart_uploads", Bucket=self.bucket, Prefix=self.prefix, **markers
            )
            for item in page.get("Uploads", []):
                if item["Initiated"] >= older_than:
                    continue
                try:
                    await self._call(
                        "abort_multipart_upload",
                        Bucket=self.bucket,
                        Key=item["Key"],
                        UploadId=item["UploadId"],
                    )
                    aborted += 1
                except StorageUnavailable as exc:
                    log.warning("could not abort the multipart upload of %s: %s", item["Key"], exc)
            if not page.get("IsTruncated"):
                return aborted
            markers = {
                "KeyMarker": page["NextKeyMarker"],
                "UploadIdMarker": page["NextUploadIdMarker"],
            }

    async def presigned_get(
        self, key: str, *, filename: str, content_type: str, expires: int
    ) -> str:
        return await self._call(
            "generate_presigned_url",
            ClientMethod="get_object",
            ExpiresIn=expires,
            Params={
                "Bucket": self.bucket,
                "Key": self._key(key),
                "ResponseContentDisposition": content_disposition(filename),
                "ResponseContentType": content_type,
            },
        )

    async def presigned_post(
        self, key: str, *, content_type: str, max_bytes: int, expires: int
    ) -> dict:
        return await self._call(
            "generate_presigned_post",
            Bucket=self.bucket,
            Key=self._key(key),
            ExpiresIn=expires,
            Fields={
                "Content-Type": content_type,
                **({"x-amz-server-side-encryption": self.sse} if self.sse else {}),
            },
            Conditions=[
                ["content-length-range", 1, max_bytes],
                {"Content-Type": content_type},
                *([{"x-amz-server-side-encryption": self.sse}] if self.sse else []),
            ],
        )


class _Multipart:
    """A multipart upload of one object, begun when its first full part is ready."""

    def __init__(self, storage: S3Storage, key: str, content_type: str) -> None:
        self.storage = storage
        self.key = key
        self.content_type = content_type
        self.upload_id: str | None = None
        self.parts: list[dict] = []

    async def send(self, body: bytearray) -> None:
        """Upload the next part (beginning the upload with the first)."""
        storage = self.storage
        if self.upload_id is None:
            created = await storage._call(
                "create_multipart_upload",
                Bucket=storage.bucket,
                Key=self.key,
                ContentType=self.content_type,
                **storage._encryption(),
            )
            self.upload_id = created["UploadId"]
        part = await storage._call(
            "upload_part",
            Bucket=storage.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            PartNumber=len(self.parts) + 1,
            Body=body,
        )
        self.parts.append({"ETag": part["ETag"], "PartNumber": len(self.parts) + 1})

    async def complete(self, sha256: str) -> None:
        """Join the parts, then record the hash (known only now) by copying the object onto itself."""
        storage = self.storage
        await storage._call(
            "complete_multipart_upload",
            Bucket=storage.bucket,
            Key=self.key,
            UploadId=self.upload_id,
            MultipartUpload={"Parts": self.parts},
        )
        self.upload_id = None  # complete: nothing left to abort
        await storage._call(
            "copy_object",
            Bucket=storage.bucket,
            Key=self.key,
            CopySource={"Bucket": storage.bucket, "Key": self.key},
            MetadataDirective="REPLACE",
            Metadata={"sha256": sha256},
            ContentType=self.content_type,
            **storage._encryption(),
        )

    async def abort(self) -> None:
        """Drop the parts of an unfinished upload; never raises."""
        if self.upload_id is None:
            return
        try:
            await self.storage._call(
                "abort_multipart_upload",
                Bucket=self.storage.bucket,
                Key=self.key,
                UploadId=self.upload_id,
            )
        except StorageUnavailable as exc:
            # The periodic clean-up (abort_incomplete_uploads) and the bucket's
            # lifecycle rule remove it after a day.
            log.warning("could not abort the multipart upload of %s: %s", self.key, exc)
