"""Reading a small request body in a middleware and handing it on unchanged to the app."""

from __future__ import annotations

from litestar.types import Message, Receive


async def read_body(
    receive: Receive, max_bytes: int | None = None
) -> tuple[bytes, list[Message]] | None:
    """Read the body fully, keeping the messages for ``replay``; None when it exceeds max_bytes."""
    messages: list[Message] = []
    body = b""
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if max_bytes is not None and len(body) > max_bytes:
            return None
        if not message.get("more_body", False):
            break
    return body, messages


def replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that first hands out the messages already read, then the rest."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed
