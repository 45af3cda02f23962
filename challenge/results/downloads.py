"""A temporary file sent as a download and closed — so gone, being temporary — however the
response ends: after the last chunk, when the client leaves mid-way (the ASGI server says
``http.disconnect`` and Litestar stops the stream), when sending fails, or when the body is never
asked for. The stream's own ``finally`` is not enough: an async generator stopped at a ``yield``
runs it only when it is garbage-collected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import IO, Any

from litestar.response import Stream

FILE_CHUNK = 64 * 1024


async def file_chunks(handle: IO[bytes]) -> AsyncIterator[bytes]:
    """A file's content in chunks; the file is closed after."""
    try:
        while chunk := handle.read(FILE_CHUNK):
            yield chunk
    finally:
        handle.close()


class _ClosingResponse:
    """The ASGI response, and the file closed when it returns or raises."""

    __slots__ = ("handle", "response")

    def __init__(self, response, handle: IO[bytes]) -> None:
        self.response, self.handle = response, handle

    async def __call__(self, scope, receive, send) -> None:
        """ASGI: Litestar's response, then the file closed."""
        try:
            await self.response(scope, receive, send)
        finally:
            self.handle.close()


class TemporaryFileDownload(Stream):
    """A rewound (temporary) file streamed in chunks, closed when the response ends however it
    ends (module docstring); a response that is never sent drops the last reference to the
    file, which closes it."""

    def __init__(self, handle: IO[bytes], **kwargs: Any) -> None:
        super().__init__(file_chunks(handle), **kwargs)
        self.handle = handle

    def to_asgi_response(self, *args: Any, **kwargs: Any):  # type: ignore[override]
        """Litestar's streaming response inside one that closes the file."""
        return _ClosingResponse(super().to_asgi_response(*args, **kwargs), self.handle)
