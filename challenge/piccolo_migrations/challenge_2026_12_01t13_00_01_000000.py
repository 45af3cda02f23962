"""One digest entry per person and thread (both engines): parallel posts in one thread add to
the same row instead of a second one."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T13:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique index of digest_entries"


class DigestEntry(Table, tablename="digest_entries"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        await DigestEntry.raw(
            'CREATE UNIQUE INDEX digest_entries_user_thread ON digest_entries ("user", thread)'
        )

    async def run_backwards():
        await DigestEntry.raw("DROP INDEX digest_entries_user_thread")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
