"""Uniqueness as indexes: one reminder per milestone and kind, numbered amendments, and at most
one approval per reviewer and evidence round (four-eyes)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-26T16:00:31:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique reminders, amendment numbers and approvals"

INDEXES = {
    "milestone_reminders_milestone_kind": "milestone_reminders (milestone, kind)",
    "amendments_partnership_number": "amendments (partnership, number)",
    "milestone_reviews_one_approval": "milestone_reviews (milestone, round, reviewer) WHERE decision = 'approve'",
    "milestones_partnership_position": "milestones (partnership, position)",
}


class Reminder(Table, tablename="milestone_reminders"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="partnerships", description=DESCRIPTION)

    async def run():
        for name, target in INDEXES.items():
            await Reminder.raw(f"CREATE UNIQUE INDEX {name} ON {target}")

    async def run_backwards():
        for name in INDEXES:
            await Reminder.raw(f"DROP INDEX {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
