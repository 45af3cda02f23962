"""Downloads: after the owner's policy check, streamed or redirected to a presigned URL."""

from __future__ import annotations

import asyncio
import functools
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from litestar import Response
from litestar.response import Redirect, Stream

from challenge.platform.documents.pdfsafety import strip_metadata
from challenge.platform.documents.uploads import storage_unavailable
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.storage import Storage, StorageUnavailable
from challenge.platform.storage.base import CHUNK, content_disposition
from challenge.settings import Settings


def neutral_filename(index: int, filename: str, prefix: str = "Anlage") -> str:
    """A file's name for readers who may not learn whose it is (blind review): <prefix>-<n>.<ext>,
    the extension kept (pdf when there is none)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "pdf"
    return f"{prefix}-{index}.{suffix}"


def download_headers(document: dict) -> dict[str, str]:
    """Never rendered by the browser: an attachment, no sniffing, sandboxed if opened."""
    return {
        "Content-Disposition": content_disposition(document["filename"]),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cache-Control": "private, no-store",
    }


async def download(storage: Storage, settings: Settings, document: dict) -> Response:
    """The document as an attachment: streamed, or a redirect to a presigned URL (redirect mode)."""
    if settings.download_mode == "redirect":
        try:
            url = await storage.presigned_get(
                document["storage_key"],
                filename=document["filename"],
                content_type=document["content_type"],
                expires=settings.presign_seconds,
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


def strip_image_metadata(source: Path, target: Path, media_type: str) -> None:
    """A JPEG or PNG without EXIF (author, camera, GPS), XMP and text chunks; the orientation
    EXIF gave is applied to the pixels first, the colour profile kept."""
    from PIL import Image, ImageOps

    with Image.open(source) as image:
        icc = image.info.get("icc_profile")
        upright = ImageOps.exif_transpose(image)
        options = {"icc_profile": icc} if icc else {}
        if media_type == "image/jpeg":
            upright.save(target, "JPEG", quality=95, **options)
        else:
            upright.save(target, "PNG", **options)


def metadata_stripper(media_type: str) -> Callable[[Path, Path], None] | None:
    """How to rewrite a file of this type without its metadata, source to target (PDF: Info
    dictionary, XMP, comment authors; images: EXIF, XMP, text chunks); None for other types."""
    if media_type == "application/pdf":
        return strip_metadata
    if media_type in ("image/jpeg", "image/png"):
        return functools.partial(strip_image_metadata, media_type=media_type)
    return None


async def copy_to_file(storage: Storage, key: str, path: Path) -> None:
    """The stored object, written to a local file."""
    handle = await asyncio.to_thread(open, path, "wb")
    try:
        async for chunk in storage.get_stream(key):
            await asyncio.to_thread(handle.write, chunk)
    finally:
        await asyncio.to_thread(handle.close)


async def download_redacted(storage: Storage, document: dict) -> Response:
    """A copy without metadata (:func:`metadata_stripper`), made on the fly from the stored
    original through temporary files and streamed by the portal (never a presigned URL to the
    original)."""
    media_type = document["content_type"]
    strip = metadata_stripper(media_type)
    if strip is None:
        return await download(storage, _STREAM, document)
    folder = Path(tempfile.mkdtemp(prefix="challenge-redact-"))
    try:
        original, redacted = folder / "original", folder / "redacted"
        await copy_to_file(storage, document["storage_key"], original)
        try:
            await asyncio.to_thread(strip, original, redacted)
        except Exception:  # it cannot be rewritten: refuse rather than hand out the original
            raise Problem(
                422,
                "document_unreadable",
                N_("This file cannot be prepared for the jury. Please ask the office."),
            ) from None
        size = redacted.stat().st_size
        output = await asyncio.to_thread(open, redacted, "rb")
    except StorageUnavailable:
        raise storage_unavailable() from None
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)  # the open file lives on until closed

    async def body() -> AsyncIterator[bytes]:
        try:
            while chunk := await asyncio.to_thread(output.read, CHUNK):
                yield chunk
        finally:
            await asyncio.to_thread(output.close)

    headers = download_headers(document)
    headers["Content-Length"] = str(size)
    return Stream(body(), media_type=media_type, headers=headers)


class _StreamOnly:
    download_mode = "stream"


_STREAM = _StreamOnly()
