"""What the HTTP benchmarks share: a throwaway database (SQLite, or PostgreSQL when
CHALLENGE_TEST_DATABASE_URL is set) prepared in-process, a `challenge serve` on a free port, and
a timing helper."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from tests.benchmarks.startup import free_port
from tests.support.databases import create_database, drop_database
from tests.support.servers import wait_until_ready


def engine_name() -> str:
    return "postgresql" if os.environ.get("CHALLENGE_TEST_DATABASE_URL") else "sqlite"


@asynccontextmanager
async def temporary_portal(
    prepare: Callable[[], Awaitable[object]], *, worker: bool = False
) -> AsyncIterator[str]:
    """Yield the base URL of a server on a fresh database that prepare() filled."""
    with tempfile.TemporaryDirectory() as tmp:
        url = create_database(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
        env.update(
            CHALLENGE_DATA_DIR=str(Path(tmp) / "var"),
            CHALLENGE_DATABASE_URL=url,
            CHALLENGE_LOG_LEVEL="warning",
            # staff sign in with a password here: no authenticator app in a benchmark
            CHALLENGE_REQUIRE_2FA_INTERNAL="false",
        )
        os.environ.update(env)
        try:
            await prepare()
            port = free_port()
            command = [
                sys.executable,
                "-m",
                "challenge",
                "serve",
                "--port",
                str(port),
                *([] if worker else ["--no-worker"]),
            ]
            server = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            base = f"http://127.0.0.1:{port}"
            try:
                wait_until_ready(base)
                yield base
            finally:
                server.terminate()
                server.wait()
        finally:
            drop_database(url)


async def median_ms(
    client: httpx.AsyncClient, url: str, runs: int = 5, **kwargs
) -> tuple[float, httpx.Response]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = await client.get(url, **kwargs)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return statistics.median(times), response
