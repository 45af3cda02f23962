"""Fresh, uniquely named test databases: a SQLite file, or a new PostgreSQL database."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

PG_URL = os.environ.get("CHALLENGE_TEST_DATABASE_URL")


def _in_thread(coro_factory) -> None:
    """Run a coroutine on its own loop in a thread (safe whatever loop pytest is running)."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro_factory())
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def create_database(directory: Path) -> str:
    """A URL for an empty database: SQLite in directory, or PostgreSQL when configured."""
    if not PG_URL:
        return f"sqlite:///{directory / f'test-{uuid.uuid4().hex[:8]}.sqlite3'}"
    name = f"challenge_test_{uuid.uuid4().hex[:12]}"

    async def create() -> None:
        conn = await asyncpg.connect(_with_database(PG_URL, "postgres"))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    _in_thread(create)
    return _with_database(PG_URL, name)


def drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    name = urlsplit(url).path.lstrip("/")

    async def drop() -> None:
        conn = await asyncpg.connect(_with_database(url, "postgres"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    _in_thread(drop)


@contextmanager
def counted_queries() -> Iterator[list]:
    """The statements the current engine runs inside the block (for "queries do not grow with
    the rows" tests)."""
    from challenge import db

    engine_class = type(db.current_engine())
    original = engine_class.run_querystring
    seen: list = []

    async def run(self, querystring, *args, **kwargs):
        seen.append(querystring)
        return await original(self, querystring, *args, **kwargs)

    engine_class.run_querystring = run
    try:
        yield seen
    finally:
        engine_class.run_querystring = original
