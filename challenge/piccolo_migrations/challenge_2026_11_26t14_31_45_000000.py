"""Uniqueness for the jury as indexes (SQLite cannot add constraints to existing tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-26T14:31:45:000000"
VERSION = "1.38.0"
DESCRIPTION = "One juror per call and person; one assignment and one review per round, juror, entry"

INDEXES = {
    "jurors_call_user": 'jurors (call, "user")',
    "assignments_round_juror_submission": "assignments (round, juror, submission)",
    "reviews_round_juror_submission": "reviews (round, juror, submission)",
    "jury_rounds_call_number": "jury_rounds (call, number)",
}


class Juror(Table, tablename="jurors"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        for name, target in INDEXES.items():
            await Juror.raw(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def run_backwards():
        for name in INDEXES:
            await Juror.raw(f"DROP INDEX {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
