"""One membership per person and organisation, as a unique index (works on both engines)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-26T13:53:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique membership per organisation and user"


class Membership(Table, tablename="memberships"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        await Membership.raw(
            'CREATE UNIQUE INDEX memberships_org_user ON memberships (organisation, "user")'
        )

    async def run_backwards():
        await Membership.raw("DROP INDEX memberships_org_user")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
