"""One idempotency key per user: a unique index on (user, key) (works on both engines)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:44:37:927349"
VERSION = "1.38.0"
DESCRIPTION = "Unique idempotency key per user"


class IdempotencyKey(Table, tablename="idempotency_keys"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        await IdempotencyKey.raw(
            'CREATE UNIQUE INDEX idempotency_keys_user_key ON idempotency_keys ("user", key)'
        )

    async def run_backwards():
        await IdempotencyKey.raw("DROP INDEX idempotency_keys_user_key")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
