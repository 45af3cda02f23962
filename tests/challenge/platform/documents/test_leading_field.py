"""Reading an upload form's CSRF token from the multipart body's first part (so the token need
not ride in the URL), without consuming the body the handler streams."""

from __future__ import annotations

import pytest

from challenge.platform.documents.multipart import leading_field
from tests.support.files import multipart, pdf

TOKEN = "nonce_abc.0123456789abcdef0123456789abcdef"


def receiver(body: bytes, chunk: int):
    """An ASGI receive handing out the body in chunks of ``chunk`` bytes."""
    pieces = [body[i : i + chunk] for i in range(0, len(body), chunk)] or [b""]
    messages = [
        {"type": "http.request", "body": piece, "more_body": i < len(pieces) - 1}
        for i, piece in enumerate(pieces)
    ]

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    return receive


async def drained(receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return body
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


@pytest.mark.parametrize("chunk", [7, 64, 100_000])
async def test_the_token_before_the_file_is_read_and_the_body_stays_whole(chunk):
    body, content_type = multipart("a.pdf", pdf() * 50, extra={"_csrf_token": TOKEN})
    value, receive = await leading_field(content_type, receiver(body, chunk), "_csrf_token")
    assert value == TOKEN
    assert await drained(receive) == body  # the handler still gets every byte


@pytest.mark.parametrize(
    "extra",
    [
        {},  # no token: the file comes first
        {"note": TOKEN, "_csrf_token": TOKEN},  # the token is not the first part
        {"_csrf_token": "x" * 20_000},  # too long to be a token
    ],
)
async def test_anything_else_first_gives_no_token(extra):
    body, content_type = multipart("a.pdf", pdf(), extra=extra)
    value, receive = await leading_field(content_type, receiver(body, 512), "_csrf_token")
    assert value is None
    assert await drained(receive) == body


async def test_a_file_part_named_like_the_token_is_not_a_token():
    body, content_type = multipart("t.txt", TOKEN.encode(), field="_csrf_token")
    value, _ = await leading_field(content_type, receiver(body, 512), "_csrf_token")
    assert value is None
