"""Piccolo's SQLite engine with persistent connections for reads outside transactions.

Piccolo opens a new aiosqlite connection (a new thread, the file opened, ``PRAGMA foreign_keys``)
for every query that runs outside a transaction, and aiosqlite hops between the event loop and
its thread four times per query. On the public call page that was a quarter of the time (issue
25). Here a small pool of threads each keeps one ``sqlite3`` connection open, and a read is one
hop: run, fetch, return. Writes outside transactions and transactions keep Piccolo's own path —
a connection of their own — so a write waiting for SQLite's single writer never holds a pooled
connection that reads queue behind.

Every statement outside a transaction autocommits (``isolation_level=None``, as in Piccolo), so
a pooled connection never holds a read snapshot or a lock between statements; with WAL, readers
see each commit at once. The pool is opened on first use and closed by :meth:`close_pool` (the
application's shutdown, ``challenge.db.stop``); it reopens if used again. Nothing in the process
may open and close the database file itself while the pool is open: closing any descriptor of
the file drops the process's POSIX locks, SQLite's included (sqlite.org/howtocorrupt.html, 2.2).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine, dict_factory

# Connections (and threads) kept open: enough for the two cores' worth of concurrent reads
# while a writer commits; more would only queue on SQLite's single writer.
POOL_SIZE = 4


def _is_read(query: str) -> bool:
    """A plain SELECT (no RETURNING, so no INSERT … RETURNING either)."""
    head = query.lstrip()[:6].upper()
    return head == "SELECT" and "RETURNING" not in query.upper()


class PooledSQLiteEngine(SQLiteEngine):
    """SQLiteEngine whose statements outside transactions run on persistent connections."""

    def __init__(self, path: str, pool_size: int = POOL_SIZE, **kwargs: Any) -> None:
        super().__init__(path=path, **kwargs)
        self.pool_size = pool_size
        self._executor: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self.pool_size, thread_name_prefix=f"sqlite-pool-{id(self):x}"
                )
            return self._executor

    def _connection(self) -> sqlite3.Connection:
        """This pool thread's connection, opened on its first statement."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(**self.connection_kwargs, check_same_thread=False)
            connection.row_factory = dict_factory
            connection.execute("PRAGMA foreign_keys = 1")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _execute(self, query: str, args: list) -> list[dict]:
        cursor = self._connection().execute(query, args)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    async def _run_in_new_connection(
        self, query: str, args: list | None = None, query_type: str = "generic", table=None
    ):
        """Outside a transaction, a read: one hop to a pooled connection. Writes and everything
        else take Piccolo's own path (a connection of their own): a write waiting for SQLite's
        single writer must never hold a pooled connection that reads are queued behind."""
        if not _is_read(query):
            return await super()._run_in_new_connection(query, args, query_type, table)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool(), self._execute, query, args or [])

    def close_pool_sync(self) -> None:
        """Wait for running statements, then close every pooled connection and thread."""
        with self._lock:
            executor, self._executor = self._executor, None
            connections, self._connections = self._connections, []
            self._local = threading.local()
        if executor is not None:
            executor.shutdown(wait=True)
        for connection in connections:
            connection.close()

    async def close_pool(self) -> None:
        """The pool closed without blocking the event loop."""
        await asyncio.to_thread(self.close_pool_sync)
