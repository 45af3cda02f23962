"""One storage test suite, run against the local folder and against S3 (moto over HTTP)."""

import hashlib
import os
import re

import boto3
import httpx
import pytest

from challenge.platform.storage import StorageUnavailable, TooLarge, new_key, storage_from_settings
from challenge.platform.storage.s3 import PART_SIZE


async def chunked(data: bytes, size: int = 64 * 1024):
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.fixture
def storage(storage_settings):
    return storage_from_settings(storage_settings)


async def keys(storage) -> set[str]:
    return {info.key async for info in storage.list_objects()}


def test_keys_are_made_by_the_server():
    key = new_key("upload")
    assert re.fullmatch(r"upload/\d{4}/[0-9a-f-]{36}", key)
    with pytest.raises(ValueError):
        new_key("../etc")


async def test_put_get_head_range_delete(storage):
    data = b"%PDF-1.7 " + bytes(range(256)) * 100
    key = new_key("test")
    result = await storage.put_stream(
        key, chunked(data), content_type="application/pdf", max_bytes=10**6
    )
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    info = await storage.head(key)
    assert info.size == len(data) and info.sha256 == result.sha256
    assert b"".join([chunk async for chunk in storage.get_stream(key)]) == data
    assert await storage.read_range(key, 0, 8) == data[:8]
    assert key in await keys(storage)
    await storage.delete(key)
    assert await storage.head(key) is None
    await storage.delete(key)  # deleting twice is fine


async def test_large_objects_go_up_in_parts(storage):
    data = os.urandom(
        2 * PART_SIZE + 1_300_000
    )  # three parts; random, so a mixed-up part changes the hash
    key = new_key("test")
    result = await storage.put_stream(
        key, chunked(data, 256 * 1024), content_type="application/pdf", max_bytes=len(data)
    )
    info = await storage.head(key)
    assert (
        info.size == len(data) and info.sha256 == hashlib.sha256(data).hexdigest() == result.sha256
    )
    digest = hashlib.sha256()
    async for chunk in storage.get_stream(key):
        digest.update(chunk)
    assert digest.hexdigest() == result.sha256
    await storage.delete(key)


async def test_too_large_keeps_nothing(storage, storage_settings):
    data = b"x" * (PART_SIZE + 1024)
    key = new_key("test")
    with pytest.raises(TooLarge):
        await storage.put_stream(
            key, chunked(data), content_type="application/pdf", max_bytes=PART_SIZE + 10
        )
    assert await storage.head(key) is None
    assert key not in await keys(storage)
    if storage_settings.storage == "s3":
        client = boto3.client(
            "s3",
            endpoint_url=storage_settings.s3_endpoint_url,
            region_name=storage_settings.s3_region,
        )
        uploads = client.list_multipart_uploads(Bucket=storage_settings.s3_bucket).get(
            "Uploads", []
        )
        assert not [u for u in uploads if u["Key"].endswith(key)], (
            "aborted multipart uploads leave nothing"
        )


async def test_presigned_urls_where_the_backend_has_them(storage, storage_settings):
    key = new_key("test")
    await storage.put_stream(
        key, chunked(b"%PDF-1.4 hallo"), content_type="application/pdf", max_bytes=100
    )
    url = await storage.presigned_get(
        key, filename="Bericht März.pdf", content_type="application/pdf", expires=60
    )
    post = await storage.presigned_post(
        new_key("test"), content_type="application/pdf", max_bytes=100, expires=60
    )
    if storage_settings.storage == "local":
        assert url is None and post is None
        return
    assert "X-Amz-Expires=60" in url
    async with httpx.AsyncClient() as client:
        response = await client.get(url)
        assert response.content == b"%PDF-1.4 hallo"
        assert "filename*=UTF-8''Bericht%20M%C3%A4rz.pdf" in response.headers["content-disposition"]
        posted = await client.post(
            post["url"],
            data=post["fields"],
            files={"file": ("x.pdf", b"%PDF-1.4 direkt", "application/pdf")},
        )
        assert posted.status_code in (200, 201, 204)
    assert (
        await storage.head(post["fields"]["key"].removeprefix(storage_settings.s3_prefix))
    ).size == len(b"%PDF-1.4 direkt")


async def test_unreachable_s3_reports_storage_unavailable(tmp_path, database_url):
    from tests.conftest import make_settings
    from tests.support.s3 import free_port

    settings = make_settings(
        tmp_path,
        database_url,
        storage="s3",
        s3_bucket="b",
        s3_endpoint_url=f"http://127.0.0.1:{free_port()}",
        s3_region="eu-central-1",
    )
    storage = storage_from_settings(settings)
    with pytest.raises(StorageUnavailable):
        await storage.check()
    with pytest.raises(StorageUnavailable):
        await storage.put_stream(
            new_key("test"), chunked(b"%PDF-1.4"), content_type="application/pdf", max_bytes=100
        )
