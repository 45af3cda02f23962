"""scores.xlsx's temporary file is closed (so gone) however the response ends (issue 25): the
app is called as an ASGI server calls it, for a client that leaves before the body, one whose
connection fails while the body is sent, and one that is gone before the headers (the stream is
never iterated); the open temporary files are read from /proc/self/fd."""

from __future__ import annotations

import asyncio
import io
import os
import tempfile
from pathlib import Path

import openpyxl
import pytest
from litestar.exceptions import LitestarException

from challenge.results import downloads
from tests.challenge.results.test_results import judged_call, staff  # noqa: F401


def open_temporary_files() -> set[str]:
    """This process's descriptors of removed files in the temporary folder (TemporaryFile)."""
    found = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # (closed meanwhile, e.g. the listing's own descriptor)
            continue
        if target.startswith(tempfile.gettempdir()) and target.endswith("(deleted)"):
            found.add(f"{fd.name} {target}")
    return found


def asgi_scope(client, url: str) -> dict:
    """The scope an ASGI server gives the app for the client's GET (its session cookie too)."""
    request = client.build_request("GET", url)
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": request.url.path,
        "raw_path": request.url.raw_path.split(b"?")[0],
        "query_string": request.url.query,
        "root_path": "",
        "headers": [(k.lower(), v) for k, v in request.headers.raw],
        "server": ("portal.test", 80),
        "client": ("10.9.8.7", 40000),
    }


def caused_by_the_connection(error: BaseException) -> bool:
    """Whether the send's OSError is behind Litestar's report (through causes and groups)."""
    if isinstance(error, BaseExceptionGroup):
        return any(caused_by_the_connection(e) for e in error.exceptions)
    if error.__cause__ is not None:
        return caused_by_the_connection(error.__cause__)
    return isinstance(error, OSError)


async def serve_once(app, scope: dict, *, gone: str) -> list[dict]:
    """Call the app once for a client that is gone: "before headers" (sending them fails),
    "before body" (the server reports the disconnect at once), "mid-way" (it reports it after
    the first chunk) or "while sending" (sending the second chunk fails)."""
    sent: list[dict] = []
    first_chunk = asyncio.Event()

    async def receive() -> dict:
        if gone == "mid-way":
            await first_chunk.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        body = [m for m in sent if m["type"] == "http.response.body"]
        if gone == "before headers" or (gone == "while sending" and body):
            raise OSError("connection reset by peer")
        sent.append(message)
        if message["type"] == "http.response.body":
            first_chunk.set()
        await asyncio.sleep(0)  # a server's send lets the loop run (flow control); no waiting

    try:
        await app(scope, receive, send)
    except LitestarException as error:  # Litestar's report of a failure after the headers
        assert caused_by_the_connection(error)
    return sent


@pytest.mark.parametrize("gone", ["before headers", "before body", "mid-way", "while sending"])
async def test_the_temporary_file_is_closed_when_the_client_leaves(
    app,
    staff,  # noqa: F811
    monkeypatch,
    gone,
):
    call, _items, _ = await judged_call(entries=3, jurors=2)
    monkeypatch.setattr(downloads, "FILE_CHUNK", 512)  # a small file in several chunks
    scope = asgi_scope(staff, f"/api/v1/calls/{call['slug']}/scores.xlsx")
    before = open_temporary_files()
    sent = await serve_once(app, scope, gone=gone)
    assert open_temporary_files() - before == set()
    chunks = [m for m in sent if m["type"] == "http.response.body"]
    if gone != "before headers":
        assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
    if gone in ("mid-way", "while sending"):  # left with the file's rest unsent
        assert len(chunks) >= 1 and not any(m.get("more_body") is False for m in chunks)


async def test_a_complete_download_closes_the_file_and_is_a_workbook(app, staff):  # noqa: F811
    call, _items, _ = await judged_call(entries=3, jurors=2)
    before = open_temporary_files()
    response = await staff.get(f"/api/v1/calls/{call['slug']}/scores.xlsx")
    assert response.status_code == 200 and open_temporary_files() - before == set()
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Ranking", "Reviews", "Jurors", "Criteria"]
