"""The OCDS packages are stored gzip-compressed once per rebuild (issue 25, point 5): a client
that takes gzip gets those bytes (Content-Encoding: gzip, Vary: Accept-Encoding, an ETag of its
own ending in -gzip), not compressed again by the compression middleware; a client without gzip
gets the plain body. Each variant answers 304 for its own ETag."""

from __future__ import annotations

import gzip
import json
import time

import pytest

from partnerships.opendata import cache
from partnerships.opendata.public import accepts_gzip
from tests.conftest import http_client
from tests.partnerships.list_world import many_partnerships

PACKAGES = (
    "/api/v1/opendata/ocds/release-package.json",
    "/api/v1/opendata/ocds/record-package.json",
)
GZIP = {"accept-encoding": "gzip"}
PLAIN = {"accept-encoding": "identity"}


async def _raw(client, url: str, headers: dict) -> tuple[int, dict, bytes]:
    """Status, headers and the body as sent (not decoded)."""
    async with client.stream("GET", url, headers=headers) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
        return response.status_code, response.headers, body


@pytest.mark.parametrize("url", PACKAGES)
async def test_gzip_variant_is_the_stored_compressed_body(app, url, monkeypatch):
    await many_partnerships(8, seed=2)
    # the cache looks at the database again at the first request (a second after any earlier
    # test's look) and not between the two requests, however slow the machine is
    later = time.monotonic() + 10 * cache.RECHECK_SECONDS
    monkeypatch.setattr(cache, "monotonic", lambda: later)
    client = http_client(app)
    try:
        status, plain_headers, plain = await _raw(client, url, PLAIN)
        assert status == 200 and "content-encoding" not in plain_headers
        assert "accept-encoding" in plain_headers["vary"].lower()
        json.loads(plain)  # the package itself

        status, headers, sent = await _raw(client, url, GZIP)
        assert status == 200 and headers["content-encoding"] == "gzip"
        assert "accept-encoding" in headers["vary"].lower()
        assert gzip.decompress(sent) == plain  # compressed once, not twice
        assert int(headers["content-length"]) == len(sent)
        assert headers["etag"] == plain_headers["etag"][:-1] + '-gzip"'
        stored = await cache.packages(app.state.settings)
        file = stored.release if "release" in url else stored.record
        assert sent == file.gzipped and plain == file.body  # the stored bytes, as compressed once

        # each variant's ETag answers 304 for its own kind of client, not for the other
        for variant, etag in ((GZIP, headers["etag"]), (PLAIN, plain_headers["etag"])):
            again = await client.get(url, headers={**variant, "if-none-match": etag})
            assert again.status_code == 304 and again.content == b""
            assert again.headers["etag"] == etag
        crossed = await client.get(url, headers={**PLAIN, "if-none-match": headers["etag"]})
        assert crossed.status_code == 200 and crossed.content == plain
        refused = await client.get(url, headers={"accept-encoding": "gzip;q=0"})
        assert "content-encoding" not in refused.headers and refused.content == plain
    finally:
        await client.aclose()


def test_accepts_gzip_reads_the_weights():
    assert accepts_gzip("gzip")
    assert accepts_gzip("gzip, deflate, br")
    assert accepts_gzip("br;q=1.0, gzip;q=0.5")
    assert accepts_gzip("*")
    assert accepts_gzip("x-gzip")
    assert not accepts_gzip("")
    assert not accepts_gzip("identity")
    assert not accepts_gzip("gzip;q=0")
    assert not accepts_gzip("*, gzip;q=0")
    assert not accepts_gzip("gzip;q=nonsense")
    assert not accepts_gzip("br")
