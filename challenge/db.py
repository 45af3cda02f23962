"""Database engine: chosen from CHALLENGE_DATABASE_URL, bound to every Piccolo table, migrated."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
from collections.abc import AsyncIterator
from uuid import UUID

from piccolo.apps.migrations.tables import Migration
from piccolo.columns import JSON
from piccolo.columns.combination import Where
from piccolo.columns.operators.comparison import ComparisonOperator
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

# Piccolo's migration machinery finds apps and the engine through this module.
os.environ.setdefault("PICCOLO_CONF", "challenge.piccolo_conf")

from challenge import piccolo_conf  # noqa: E402
from challenge.engines import POSTGRES_POOL_MAX, SQLITE_BUSY_TIMEOUT, engine_from_url  # noqa: E402
from challenge.platform.piccolo_sqlite import PooledSQLiteEngine  # noqa: E402
from challenge.settings import Settings  # noqa: E402


def all_tables() -> list:
    """Every table class of every registered Piccolo app, plus Piccolo's migration table."""
    tables = [Migration]
    for app_config in piccolo_conf.APP_REGISTRY.app_configs.values():
        tables.extend(app_config.table_classes)
    return tables


def bind(settings: Settings) -> Engine:
    """Create the engine for these settings and make every table (and Piccolo) use it."""
    engine = engine_from_url(settings.database_url)
    if isinstance(engine, SQLiteEngine):
        _enable_wal(engine.path)
    return use(engine)


def use(engine: Engine) -> Engine:
    """Make every table, and Piccolo's migration machinery, run on this engine (the pooled
    connections of an engine it replaces are closed; that engine reopens them if used again)."""
    previous = getattr(piccolo_conf, "DB", None)
    if isinstance(previous, PooledSQLiteEngine) and previous is not engine:
        previous.close_pool_sync()
    piccolo_conf.DB = engine
    for table in all_tables():
        table._meta.db = engine
    return engine


def current_engine() -> Engine:
    return piccolo_conf.DB


def _enable_wal(path: str) -> None:
    """WAL lets readers proceed while one writer commits; the mode persists in the file."""
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error:
        pass  # an unusable path is reported by /readyz and by the first query, not here


class _LikeEscaped(ComparisonOperator):
    template = "{name} LIKE {value} ESCAPE '\\'"


class _ILikeEscaped(ComparisonOperator):
    template = "{name} ILIKE {value} ESCAPE '\\'"


def like_pattern(text: str) -> str:
    """``%text%`` with the text's own ``%``, ``_`` and ``\\`` matched literally (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def as_uuid(value) -> UUID:
    """A UUID read from a row: asyncpg gives UUIDs, SQLite's raw rows give text."""
    return value if isinstance(value, UUID) else UUID(str(value))


def contains_text(column, text: str):
    """Case-insensitive "contains" on both engines (SQLite's LIKE already ignores ASCII case);
    a ``%`` or ``_`` someone types is searched for, not a wildcard."""
    operator = _LikeEscaped if isinstance(current_engine(), SQLiteEngine) else _ILikeEscaped
    return Where(column=column, value=like_pattern(text), operator=operator)


def write_transaction():
    """A transaction for writes: IMMEDIATE on SQLite so competing writers queue, not fail."""
    engine = current_engine()
    if isinstance(engine, SQLiteEngine):
        return engine.transaction(transaction_type=TransactionType.immediate)
    return engine.transaction()


async def lock_row(table, row_id) -> None:
    """Inside a write transaction: lock one row until commit (PostgreSQL ``SELECT … FOR UPDATE``).
    SQLite needs nothing more: its IMMEDIATE write transaction already lets one writer in."""
    if not isinstance(current_engine(), SQLiteEngine):
        await table.raw(f"SELECT 1 FROM {table._meta.tablename} WHERE id = {{}} FOR UPDATE", row_id)


def _json_columns(table) -> tuple[str, ...]:
    return tuple(
        column._meta.db_column_name
        for column in table._meta.columns
        if isinstance(column, JSON)  # JSONB is a JSON column
    )


async def raw_rows(table, sql: str, *args) -> list[dict]:
    """Rows of raw SQL (``{}`` placeholders) with the table's JSON columns decoded — what
    ``table.select().output(load_json=True)`` gives, without building the query: on the hottest
    paths Piccolo's query building was the largest self-time of a request (issue 25)."""
    rows = await table.raw(sql, *args)
    names = [name for name in _json_columns(table) if rows and name in rows[0]]
    for row in rows:
        for name in names:
            if isinstance(row[name], str):
                row[name] = json.loads(row[name])
    return rows


def is_unique_violation(error: BaseException) -> bool:
    """Whether a database error is a unique-index violation (asyncpg or sqlite3)."""
    if isinstance(error, sqlite3.IntegrityError):
        return "UNIQUE constraint failed" in str(error)
    return (
        type(error).__name__ == "UniqueViolationError"
        or getattr(error, "sqlstate", None) == "23505"
    )


async def start(engine: Engine) -> None:
    """Open the PostgreSQL pool; a database that is down is reported by /readyz, not fatal."""
    if isinstance(engine, PostgresEngine):
        with contextlib.suppress(Exception):
            await engine.start_connection_pool(max_size=POSTGRES_POOL_MAX)


async def stop(engine: Engine) -> None:
    """Close the connection pool: SQLite's pooled connections and their threads; PostgreSQL's
    pool, bounded: connections still held are terminated after a few seconds."""
    if isinstance(engine, PooledSQLiteEngine):
        await engine.close_pool()
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        from challenge.platform.dbfaults import close_pool

        await close_pool(engine)


async def ping(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query (reopening a missing pool)."""
    if isinstance(engine, PostgresEngine) and engine.pool is None:
        await start(engine)
    await engine.run_ddl("SELECT 1")


async def pending_migrations() -> int:
    """Number of migrations not yet applied, over all apps."""
    from piccolo.apps.migrations.commands.check import CheckMigrationManager

    manager = CheckMigrationManager(app_name="all")
    with contextlib.redirect_stdout(io.StringIO()):
        rows = await manager.get_migration_statuses()
    return sum(1 for row in rows if not row.has_ran)


async def migrate(quiet: bool = True) -> None:
    """Apply all migrations of both apps (challenge first, then partnerships)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    out = io.StringIO() if quiet else None
    with contextlib.redirect_stdout(out) if out else contextlib.nullcontext():
        result = await run_forwards(app_name="all")
    if not result.success:
        raise RuntimeError(f"migration failed: {result.message}")


@contextlib.asynccontextmanager
async def connected(settings: Settings) -> AsyncIterator[Engine]:
    """Bind and connect for a CLI command; close the pool afterwards and give the tables back
    to the engine they used before (a test's app keeps its own database)."""
    previous = getattr(piccolo_conf, "DB", None)
    engine = bind(settings)
    await start(engine)
    try:
        yield engine
    finally:
        await stop(engine)
        if previous is not None and previous is not engine:
            use(previous)
