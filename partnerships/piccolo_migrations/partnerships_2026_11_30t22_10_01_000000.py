"""Unique keys of the development phase (issue 18), as indexes so parallel requests cannot slip
past the services' checks:

- one partnership per (entry, kind): a team selected for the development phase has a stipend
  agreement and may later have a pilot contract (the old one-partnership-per-entry constraint
  goes; on SQLite, which cannot drop a column constraint, the table is rebuilt the way SQLite's
  documentation describes, with foreign keys off on a connection of its own);
- one checklist item per (entry, key).
"""

import contextlib
import sqlite3

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import Table

ID = "2026-11-30T22:10:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "One partnership per entry and kind; one checklist item per entry and key"

UNIQUE_SUBMISSION = '"submission" UUID UNIQUE REFERENCES'


class Partnership(Table, tablename="partnerships"):
    pass


def _rebuild_sqlite(path: str, *, unique: bool) -> None:
    """Recreate ``partnerships`` with or without the column's UNIQUE (SQLite's 12 steps)."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None, timeout=30)) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("BEGIN IMMEDIATE")
        try:
            (sql,) = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'partnerships'"
            ).fetchone()
            indexes = [
                row[0]
                for row in conn.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = 'partnerships' AND sql IS NOT NULL"
                )
            ]
            plain = '"submission" UUID REFERENCES'
            old, new = (plain, UNIQUE_SUBMISSION) if unique else (UNIQUE_SUBMISSION, plain)
            if old not in sql:
                raise RuntimeError("partnerships has an unexpected shape; not rebuilt")
            rebuilt = sql.replace(old, new, 1).replace(
                'CREATE TABLE "partnerships"', 'CREATE TABLE "partnerships_rebuilt"', 1
            )
            conn.execute(rebuilt)
            conn.execute("INSERT INTO partnerships_rebuilt SELECT * FROM partnerships")
            conn.execute("DROP TABLE partnerships")
            conn.execute("ALTER TABLE partnerships_rebuilt RENAME TO partnerships")
            for statement in indexes:
                conn.execute(statement)
            if conn.execute("PRAGMA foreign_key_check").fetchall():
                raise RuntimeError("foreign keys broken by the rebuild")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("PRAGMA foreign_keys=ON")


async def forwards():
    manager = MigrationManager(
        migration_id=ID,
        app_name="partnerships",
        description=DESCRIPTION,
        wrap_in_transaction=False,
    )

    async def run():
        engine = Partnership._meta.db
        if isinstance(engine, SQLiteEngine):
            _rebuild_sqlite(engine.path, unique=False)
        else:
            await Partnership.raw(
                "ALTER TABLE partnerships DROP CONSTRAINT IF EXISTS partnerships_submission_key"
            )
        await Partnership.raw(
            "CREATE UNIQUE INDEX partnerships_submission_kind ON partnerships (submission, kind)"
        )
        await Partnership.raw(
            "CREATE UNIQUE INDEX development_checklist_submission_key "
            "ON development_checklist (submission, key)"
        )

    async def run_backwards():
        await Partnership.raw("DROP INDEX development_checklist_submission_key")
        await Partnership.raw("DROP INDEX partnerships_submission_kind")
        engine = Partnership._meta.db
        if isinstance(engine, SQLiteEngine):
            _rebuild_sqlite(engine.path, unique=True)
        else:
            await Partnership.raw(
                "ALTER TABLE partnerships ADD CONSTRAINT partnerships_submission_key "
                "UNIQUE (submission)"
            )

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
