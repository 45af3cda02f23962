"""Piccolo engines from a database URL (shared by piccolo_conf and challenge.db)."""

from piccolo.engine.base import Engine

from challenge.platform import piccolo_speed
from challenge.platform.piccolo_postgres import HealingPostgresEngine
from challenge.platform.piccolo_sqlite import PooledSQLiteEngine

piccolo_speed.install()  # ForeignKey attribute reads without dir() (see piccolo_speed)

# Seconds a SQLite connection waits for a competing writer before "database is locked".
SQLITE_BUSY_TIMEOUT = 30
POSTGRES_POOL_MAX = 10


def engine_from_url(database_url: str) -> Engine:
    """Build (but do not connect) the Piccolo engine for a database URL."""
    if database_url.startswith("sqlite:///"):
        # Statements outside transactions reuse a few open connections (issue 25).
        return PooledSQLiteEngine(
            path=database_url.removeprefix("sqlite:///"), timeout=SQLITE_BUSY_TIMEOUT
        )
    # A connect timeout keeps /readyz and start-up short when the server is unreachable.
    # HealingPostgresEngine: Piccolo's engine with transactions that survive dropped
    # connections (carried until fixed upstream, see challenge/platform/piccolo_postgres.py).
    return HealingPostgresEngine(config={"dsn": database_url, "timeout": 5})
