"""Downloads: after the owner's policy check, streamed or redirected to a presigned URL."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar import Response
from litestar.response import Redirect, Stream

from challenge.platform.documents.uploads import storage_unavailable
from challenge.platform.storage import Storage, StorageUnavailable
from challenge.platform.storage.base import content_disposition
from challenge.settings import Settings


def download_headers(document: dict) -> dict[str, str]:
    """Never rendered by the browser: an attachment, no sniffing, sandboxed if opened."""
    return {
        "Content-Disposition": content_disposition(document["filename"]),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cache-Control": "private, no-store",
    }


async def download(storage: Storage, settings: Settings, document: dict) -> Response:
    if settings.download_mode == "redirect":
        try:
            url = await storage.presigned_get(
                document["storage_key"], filename=document["filename"],
                content_type=document["content_type"], expires=settings.presign_seconds,
            )
        except StorageUnavailable:
            raise storage_unavailable() from None
        if url:
            return Redirect(url, status_code=302, headers={"Cache-Control": "no-store"})
    chunks = storage.get_stream(document["storage_key"]).__aiter__()
    try:
        first = await chunks.__anext__()  # fail with 503 before any header is sent
    except StopAsyncIteration:
        first = b""
    except StorageUnavailable:
        raise storage_unavailable() from None

    async def body() -> AsyncIterator[bytes]:
        yield first
        async for chunk in chunks:
            yield chunk

    headers = download_headers(document)
    headers["Content-Length"] = str(document["size"])
    return Stream(body(), media_type=document["content_type"], headers=headers)
