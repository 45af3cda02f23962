"""The team's name as the results published it: later renames leave published results alone.
Decisions of calls already published get today's name."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:06:01:372792"
VERSION = "1.38.0"
DESCRIPTION = "Decisions keep the organisation's name at publication"


class Decision(Table, tablename="decisions"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        await Decision.raw("ALTER TABLE decisions ADD COLUMN published_name VARCHAR(200) NOT NULL DEFAULT ''")
        await Decision.raw(
            "UPDATE decisions SET published_name = (SELECT o.name FROM submissions s JOIN organisations o"
            " ON o.id = s.organisation WHERE s.id = decisions.submission)"
            ' WHERE "call" IN (SELECT id FROM calls WHERE results_published_at IS NOT NULL)')

    async def run_backwards():
        await Decision.raw("ALTER TABLE decisions DROP COLUMN published_name")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
