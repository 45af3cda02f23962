"""Piccolo's PostgreSQL engine with transactions that always give their connection back.

Carried in the project until Piccolo fixes it upstream (seen in piccolo 1.38.0):
``PostgresTransaction.__aexit__`` runs ``rollback()``/``commit()`` and only then releases the
connection and resets the task's current-transaction marker (a context variable). When the
database connection dies inside a transaction (``pg_terminate_backend``, a failover, a network
cut), ``rollback()`` raises, so the pool slot stays "in use" for ever and the task keeps a
marker pointing at a dead connection: every later query of that task fails with
"connection is closed", the pool runs dry after a few drops, and ``Pool.close()`` waits for
the leaked slots until it is killed. ``__aenter__`` leaks the connection the same way when
``BEGIN`` fails. The classes below do the same work with the release and the reset in
``finally``; a connection whose rollback or commit failed is terminated, not reused.

Besides, pool acquisitions get a timeout (asyncpg's default waits for ever), and every
successful acquisition is recorded in ``engine.last_acquired`` (monotonic seconds) for the
liveness probe (challenge.platform.dbfaults).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

log = logging.getLogger(__name__)

ACQUIRE_TIMEOUT = 10.0  # seconds a query waits for a free pool connection
RELEASE_TIMEOUT = 5.0


class PoolTimeout(TimeoutError):
    """No pool connection became free within the acquire timeout."""


# Connection-level failures after which a read that ran outside a transaction may run again.
_RETRYABLE_READ = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.AdminShutdownError,
    ConnectionError,
    # the server's termination notice arrived on an idle connection
    asyncpg.exceptions.InternalClientError,
)


def _closed(connection) -> bool:
    """Closed, or (a pool proxy) already handed back to the pool after it closed."""
    try:
        return connection.is_closed()
    except asyncpg.exceptions.InterfaceError:
        return True


def _terminate(connection) -> None:
    with contextlib.suppress(Exception):
        connection.terminate()


class HealingPostgresTransaction(PostgresTransaction):
    """A PostgresTransaction that releases (or terminates) its connection and clears the
    current-transaction marker whatever BEGIN, COMMIT or ROLLBACK raise."""

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            return self._parent
        self.connection = await self.get_connection()
        try:
            self.transaction = self.connection.transaction()
            await self.begin()
        except BaseException:
            await self._give_back(broken=True)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def get_connection(self):
        engine: HealingPostgresEngine = self.engine  # type: ignore[assignment]
        if engine.pool:
            return await engine.acquire()
        return await engine.get_new_connection()

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        broken = False
        try:
            if exception is not None:
                if not self._rolled_back:
                    try:
                        await self.rollback()
                    except Exception as rollback_error:  # noqa: BLE001
                        # The connection is gone or unusable; the server rolls back an open
                        # transaction when its connection ends. The caller's own error is the
                        # one worth seeing.
                        broken = True
                        log.warning(
                            "rollback failed (%s: %s); the connection is dropped",
                            type(rollback_error).__name__,
                            rollback_error,
                        )
            elif not self._committed and not self._rolled_back:
                try:
                    await self.commit()
                except BaseException:
                    broken = True
                    raise
        finally:
            try:
                await self._give_back(broken=broken)
            finally:
                self._clear_marker()
        return exception is None

    async def _give_back(self, *, broken: bool) -> None:
        connection = self.connection
        pool = self.engine.pool
        if broken or _closed(connection):
            _terminate(connection)  # a pool connection's holder returns to the pool on close
            if pool is None:
                return
        try:
            if pool is not None:
                await pool.release(connection, timeout=RELEASE_TIMEOUT)
            else:
                await connection.close(timeout=RELEASE_TIMEOUT)
        except BaseException:
            _terminate(connection)
            raise

    def _clear_marker(self) -> None:
        context = getattr(self, "context", None)
        try:
            if context is None:
                raise ValueError("no token")
            self.engine.current_transaction.reset(context)
        except ValueError:
            # Left in another context (e.g. another task): at least never leave this
            # transaction as the current one.
            if self.engine.current_transaction.get() is self:
                self.engine.current_transaction.set(None)


async def keep_session(connection) -> None:
    """The pool's reset of a connection given back, beyond asyncpg's own (which rolls back a
    transaction left open and drops listeners): nothing. The portal changes no session state
    (no SET, LISTEN, session advisory locks or holdable cursors; its advisory locks are
    transaction-scoped), so asyncpg's default ``RESET ALL; UNLISTEN *; …`` round trip after every
    statement — 12 % of the call page (issue 25) — has nothing to undo."""


class HealingPostgresEngine(PostgresEngine):
    """PostgresEngine using HealingPostgresTransaction, acquire timeouts, and one retry of a
    plain read (SELECT outside a transaction) whose connection died under it."""

    __slots__ = ("acquire_timeout", "last_acquired", "clock")

    def __init__(
        self,
        *args: Any,
        acquire_timeout: float = ACQUIRE_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.acquire_timeout = acquire_timeout
        self.clock = clock
        self.last_acquired = clock()  # start-up counts as healthy for the liveness window

    async def start_connection_pool(self, **kwargs) -> None:
        """Piccolo's pool, resetting connections given back by ``keep_session``."""
        await super().start_connection_pool(**{"reset": keep_session, **kwargs})

    async def acquire(self):
        if not self.pool:
            raise ValueError("A pool isn't currently running.")
        try:
            connection = await self.pool.acquire(timeout=self.acquire_timeout)
        except TimeoutError as exc:
            raise PoolTimeout(
                f"no database connection free within {self.acquire_timeout:g} s"
            ) from exc
        self.last_acquired = self.clock()
        return connection

    async def _run_in_pool(self, query: str, args: Sequence[Any] | None = None):
        args = args or []
        retry = query.lstrip()[:6].upper() == "SELECT"
        while True:
            connection = await self.acquire()
            try:
                return await connection.fetch(query, *args)
            except _RETRYABLE_READ:
                if not retry:
                    raise
                retry = False  # once: a read has no effect that running it twice could double
                log.warning("a read lost its database connection; running it once more")
            finally:
                if _closed(connection):
                    _terminate(connection)
                else:
                    try:
                        await self.pool.release(connection, timeout=RELEASE_TIMEOUT)
                    except Exception:  # noqa: BLE001 - the pool replaces a terminated connection
                        _terminate(connection)

    async def _run_in_new_connection(self, query: str, args: Sequence[Any] | None = None):
        connection = await self.get_new_connection()
        try:
            return await connection.fetch(query, *(args or []))
        finally:
            try:
                await connection.close(timeout=RELEASE_TIMEOUT)
            except Exception:  # noqa: BLE001
                _terminate(connection)

    def transaction(self, allow_nested: bool = True) -> HealingPostgresTransaction:
        return HealingPostgresTransaction(engine=self, allow_nested=allow_nested)
