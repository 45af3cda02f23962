"""One TOTP secret per person (both engines): totp_secrets."user" is unique."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T10:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique index of totp_secrets"


class TotpSecret(Table, tablename="totp_secrets"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        await TotpSecret.raw(
            'CREATE UNIQUE INDEX totp_secrets_one_per_user ON totp_secrets ("user")'
        )

    async def run_backwards():
        await TotpSecret.raw("DROP INDEX totp_secrets_one_per_user")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
