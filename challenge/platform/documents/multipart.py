"""Streaming multipart/form-data: small fields are collected, the file part streams through.

Litestar's own parser reads the whole body into memory; for uploads of tens of megabytes
the bytes must flow from the socket to storage in chunks instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from litestar import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security.bodies import replay
from challenge.platform.security.limits import check_text

MAX_FIELD_BYTES = 64 * 1024
MAX_PARTS = 20  # an upload form has a file and a few fields (title, note, CSRF token)
MAX_FIELDS_BYTES = 256 * 1024  # all non-file fields together


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


def _bad(message: str) -> Problem:
    return Problem(400, "bad_multipart", message)


class MultipartUpload:
    """One upload request: ``fields`` before the file, then ``filename`` and ``chunks()``."""

    def __init__(self, request: Request, file_field: str = "file") -> None:
        content_type, params = parse_options_header(request.headers.get("content-type", ""))
        if content_type != b"multipart/form-data" or b"boundary" not in params:
            raise Problem(
                415, "unsupported_media_type", N_("Send the file as multipart/form-data.")
            )
        self.file_field = file_field
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self._events: list[tuple[str, object]] = []
        self._stream = request.stream()
        self._header_name = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._parser = MultipartParser(
            params[b"boundary"],
            callbacks={
                "on_part_begin": self._part_begin,
                "on_part_data": self._part_data,
                "on_part_end": lambda: self._events.append(("end", None)),
                "on_header_field": self._header_field,
                "on_header_value": self._header_value_cb,
                "on_header_end": self._header_end,
                "on_headers_finished": lambda: self._events.append(
                    ("headers", dict(self._headers))
                ),
            },
        )
        self._current: _Part | None = None
        self._file_started = False
        self._pending_file_bytes: list[bytes] = []
        self._done = False
        self._parts = 0
        self._field_bytes = 0

    def _part_begin(self) -> None:
        self._headers = {}

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        self._events.append(("data", bytes(data[start:end])))

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_cb(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._header_name.lower()] = self._header_value
        self._header_name, self._header_value = b"", b""

    async def _pump(self) -> bool:
        """Feed one chunk of the body to the parser; False at the end of the body."""
        try:
            chunk = await self._stream.__anext__()
        except StopAsyncIteration:
            self._parser.finalize()
            return False
        try:
            self._parser.write(chunk)
        except Exception:  # noqa: BLE001 - the parser's errors all mean a broken body
            raise _bad(N_("The upload is not valid multipart/form-data.")) from None
        return True

    def _handle(self, kind: str, value) -> None:
        if kind == "headers":
            self._part_headers(value)
        elif kind == "data" and self._current is not None:
            self._part_bytes(self._current, value)
        elif kind == "end" and self._current is not None:
            part, self._current = self._current, None
            self._part_end(part)

    def _part_headers(self, headers: dict[bytes, bytes]) -> None:
        """A new part begins: count it, check its field name, note the file's name."""
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise Problem(413, "too_many_fields", N_("The form has too many fields."))
        _, params = parse_options_header(headers.get(b"content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        self._current = _Part(
            name=name,
            filename=filename.decode("utf-8", "replace") if filename is not None else None,
        )
        check_text(name, "field")  # a file's name has its own rules (documents/sniff.py)
        if name == self.file_field and filename is not None and not self._file_started:
            self._file_started = True
            self.filename = self._current.filename

    def _part_bytes(self, part: _Part, value: bytes) -> None:
        """The file's bytes wait to be streamed; a field's bytes are collected within limits."""
        if part.name == self.file_field and part.filename is not None:
            self._pending_file_bytes.append(value)
            return
        part.data += value
        self._field_bytes += len(value)
        if len(part.data) > MAX_FIELD_BYTES:
            raise _bad(N_("A form field is too long."))
        if self._field_bytes > MAX_FIELDS_BYTES:
            raise Problem(413, "payload_too_large", N_("The form fields are too large."))

    def _part_end(self, part: _Part) -> None:
        if part.filename is None:
            text = part.data.decode("utf-8", "replace")
            check_text(part.name, "field")
            check_text(text, part.name)
            self.fields[part.name] = text
        elif part.name == self.file_field:
            self._done = True

    async def start(self) -> None:
        """Read up to the beginning of the file part (collecting the fields before it)."""
        while not self._file_started:
            self._drain()
            if self._file_started:
                break
            if not await self._pump():
                self._drain()
                if not self._file_started:
                    raise Problem(422, "validation_error", N_("Choose a file to upload."))
                break

    async def optional_file(self) -> bool:
        """Like :meth:`start` for a form whose file may be left out: False when no file was
        chosen (no file part, or the empty one a browser sends; the rest is read then)."""
        try:
            await self.start()
        except Problem as problem:
            if problem.code != "validation_error":
                raise
            return False
        if not self.filename:
            await self.rest()
            return False
        return True

    def _drain(self) -> None:
        events, self._events = self._events, []
        for kind, value in events:
            self._handle(kind, value)

    async def chunks(self) -> AsyncIterator[bytes]:
        """The file's bytes as they arrive; fields after the file land in ``fields`` too."""
        while True:
            self._drain()
            while self._pending_file_bytes:
                yield self._pending_file_bytes.pop(0)
            if self._done:
                break
            if not await self._pump():
                self._drain()
                while self._pending_file_bytes:
                    yield self._pending_file_bytes.pop(0)
                break

    async def rest(self) -> None:
        """Read the remainder of the body (fields after the file)."""
        while await self._pump():
            self._drain()
        self._drain()


LEADING_FIELD_BYTES = 8 * 1024  # the first part of an upload form: its CSRF token


async def leading_field(content_type: str, receive, name: str) -> tuple[str | None, object]:
    """The value of a multipart body's first part when it is the plain field ``name`` (an upload
    form puts its CSRF token before its file, so the token travels in the body, not the URL),
    reading at most the first few kilobytes; and a ``receive`` that hands the app the messages
    read here first, so the body still streams to the handler unchanged. None when the first
    part is another field, a file, or not complete within the limit."""
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    messages: list = []
    head = b""
    while boundary:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        head += message.get("body", b"")
        if head.count(b"--" + boundary) >= 2 or len(head) > LEADING_FIELD_BYTES:
            break
        if not message.get("more_body", False):
            break
    value = (
        first_part_value(head[: LEADING_FIELD_BYTES + 1024], boundary, name) if boundary else None
    )
    return value, replay(messages, receive)


def first_part_value(head: bytes, boundary: bytes, name: str) -> str | None:
    """The first part's text if it is complete and the plain field ``name``, else None."""
    parts = head.split(b"--" + boundary)
    if len(parts) < 3 or parts[0].strip():
        return None
    headers, separator, body = parts[1].partition(b"\r\n\r\n")
    if not separator or not body.endswith(b"\r\n"):
        return None
    disposition = next(
        (
            line.split(b":", 1)[1].strip()
            for line in headers.split(b"\r\n")
            if line.lower().startswith(b"content-disposition:")
        ),
        None,
    )
    if disposition is None:
        return None
    _, options = parse_options_header(disposition)
    if options.get(b"name") != name.encode() or b"filename" in options:
        return None
    value = body[:-2]
    return value.decode("ascii") if value.isascii() and len(value) <= 200 else None
