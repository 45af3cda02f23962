"""One account per subject of an OpenID provider (both engines): (issuer, subject) is unique."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T13:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique index of oidc_identities"


class OidcIdentity(Table, tablename="oidc_identities"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        await OidcIdentity.raw(
            "CREATE UNIQUE INDEX oidc_identities_issuer_subject"
            " ON oidc_identities (issuer, subject)"
        )

    async def run_backwards():
        await OidcIdentity.raw("DROP INDEX oidc_identities_issuer_subject")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
