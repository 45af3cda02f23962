"""Database faults production brings: which errors are transient (answered 503 with
Retry-After, never 500), whether this process can still reach its pool (liveness), and a
pool close that cannot hang shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg
from piccolo.engine.base import Engine

from challenge.platform.i18n import N_
from challenge.platform.piccolo_postgres import HealingPostgresEngine, PoolTimeout
from challenge.platform.problems import Problem

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
POOL_CLOSE_TIMEOUT = 5.0  # then the pool's connections are terminated
PING_TIMEOUT = 2.0
RECENT = 5.0  # an acquisition this recent proves the pool works without a new ping

_TRANSIENT = (
    asyncpg.exceptions.PostgresConnectionError,  # class 08: connection failures
    asyncpg.exceptions.AdminShutdownError,  # pg_terminate_backend, fast shutdown
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,  # starting up / shutting down
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,  # "connection is closed"
    # "cannot switch to state …": the server's termination notice arrived between two queries
    asyncpg.exceptions.InternalClientError,
    # The transaction was rolled back as a whole; the client may simply try again.
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
    PoolTimeout,
    ConnectionRefusedError,  # the pool reconnecting to a server that is down
)


def is_transient(exc: BaseException | None) -> bool:
    """A database fault that passes by itself (the error or what caused it)."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, _TRANSIENT):
            return True
        exc, seen = exc.__cause__, seen + 1
    return False


def database_unavailable() -> Problem:
    return Problem(
        503,
        "database_unavailable",
        N_("The database cannot be reached at the moment. Please try again in a few seconds."),
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


async def _ping(engine: HealingPostgresEngine) -> None:
    if engine.pool is None:
        await engine.start_connection_pool()
    connection = await engine.acquire()
    try:
        await connection.fetchval("SELECT 1")
    finally:
        with contextlib.suppress(Exception):
            await engine.pool.release(connection, timeout=PING_TIMEOUT)


async def alive(engine: Engine, window: float) -> bool:
    """False once this process has not obtained a pool connection for ``window`` seconds
    (and cannot get one now): a restart is its best chance. Other engines are always alive."""
    if not isinstance(engine, HealingPostgresEngine):
        return True
    if engine.clock() - engine.last_acquired < min(RECENT, window):
        return True
    try:
        await asyncio.wait_for(_ping(engine), PING_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any failure counts against liveness
        age = engine.clock() - engine.last_acquired
        log.warning(
            "liveness: no database connection for %.0f s (%s: %s)", age, type(exc).__name__, exc
        )
        return age <= window
    return True


async def close_pool(engine: Engine, timeout: float = POOL_CLOSE_TIMEOUT) -> None:
    """Close the PostgreSQL pool gracefully for ``timeout`` seconds, then terminate it: a
    connection some task still holds must not keep the process from exiting."""
    pool = getattr(engine, "pool", None)
    if pool is None:
        return
    try:
        await asyncio.wait_for(pool.close(), timeout)
    except (TimeoutError, Exception) as exc:  # noqa: BLE001
        log.warning(
            "database pool did not close within %.0f s (%s); terminating it",
            timeout,
            type(exc).__name__,
        )
        pool.terminate()
    finally:
        engine.pool = None
