"""Unique (user, role) on role_grants as an index: SQLite cannot ALTER TABLE … ADD CONSTRAINT."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-26T13:05:04:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique role grant per user and role"


class RoleGrant(Table, tablename="role_grants"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        await RoleGrant.raw(
            'CREATE UNIQUE INDEX role_grants_user_role ON role_grants ("user", role)'
        )

    async def run_backwards():
        await RoleGrant.raw("DROP INDEX role_grants_user_role")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
