"""The portal's own floor: the whole portal (every middleware, the session lookup, CSRF, metrics,
security headers) with one extra route, /floor, that returns a fixed HTML text without a query or
a template. Between the framework's ceiling (tests/benchmarks/ceiling_app.py) and a real page it
shows what the portal's request path costs before a page does any work of its own.

Run: python -m tests.benchmarks.floor_app <html-file> <port>   with the portal's CHALLENGE_*
environment (tests/benchmarks/request_path.py starts it beside the portal).
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from litestar import Response, get

from challenge.app import create_app
from challenge.settings import settings_or_exit


def floor_app(html: str):
    """The portal with /floor answering ``html`` as it is."""

    @get("/floor", sync_to_thread=False, include_in_schema=False)
    def floor() -> Response:
        return Response(html, media_type="text/html")

    return create_app(settings_or_exit(), extra_route_handlers=[floor], freeze_heap=True)


def main() -> None:
    uvicorn.run(
        floor_app(Path(sys.argv[1]).read_text(encoding="utf-8")),
        host="127.0.0.1",
        port=int(sys.argv[2]),
        log_level="warning",
        access_log=False,
        server_header=False,
    )


if __name__ == "__main__":
    main()
