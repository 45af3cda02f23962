"""Published data keeps the supplier's name as published: the name at signing on the partnership,
and one row per later change of name (each becomes a new OCDS release, never a changed one).
Signed partnerships get today's name as their name at signing."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:05:57:400132"
VERSION = "1.38.0"
DESCRIPTION = "Supplier name snapshots at signing and on later changes"


class Partnership(Table, tablename="partnerships"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="partnerships", description=DESCRIPTION)

    async def run():
        await Partnership.raw("ALTER TABLE partnerships ADD COLUMN signed_name VARCHAR(200) NOT NULL DEFAULT ''")
        await Partnership.raw(
            "UPDATE partnerships SET signed_name = (SELECT o.name FROM organisations o WHERE o.id = partnerships.organisation)"
            " WHERE signed_at IS NOT NULL")
        await Partnership.raw(
            "CREATE TABLE partnership_supplier_names (id UUID PRIMARY KEY,"
            " partnership UUID NOT NULL REFERENCES partnerships (id) ON DELETE CASCADE,"
            " number INTEGER NOT NULL, name VARCHAR(200) NOT NULL, changed_at TIMESTAMPTZ NOT NULL)")
        await Partnership.raw(
            "CREATE UNIQUE INDEX partnership_supplier_names_number ON partnership_supplier_names (partnership, number)")

    async def run_backwards():
        await Partnership.raw("DROP TABLE partnership_supplier_names")
        await Partnership.raw("ALTER TABLE partnerships DROP COLUMN signed_name")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
