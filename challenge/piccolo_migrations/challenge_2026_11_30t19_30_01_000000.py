"""Challenges (issue 17), the unique keys as indexes so parallel requests cannot slip past the
services' checks (works on both engines):

- one member row per (unit, person);
- one challenge per (call, key);
- one proposal that is not withdrawn per (challenge, team) on calls with challenges, and per
  (call, team) as before where a proposal has no challenge.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T19:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique unit members, challenge keys and one proposal per challenge"

CREATE = (
    'CREATE UNIQUE INDEX unit_members_unit_user ON unit_members (unit, "user")',
    'CREATE UNIQUE INDEX challenges_call_key ON challenges ("call", key)',
    "DROP INDEX submissions_one_open_per_call",
    'CREATE UNIQUE INDEX submissions_one_open_per_call ON submissions ("call", organisation) '
    "WHERE status <> 'withdrawn' AND challenge IS NULL",
    "CREATE UNIQUE INDEX submissions_one_open_per_challenge ON submissions "
    "(challenge, organisation) WHERE status <> 'withdrawn' AND challenge IS NOT NULL",
)
DROP = (
    "DROP INDEX submissions_one_open_per_challenge",
    "DROP INDEX submissions_one_open_per_call",
    'CREATE UNIQUE INDEX submissions_one_open_per_call ON submissions ("call", organisation) '
    "WHERE status <> 'withdrawn'",
    "DROP INDEX challenges_call_key",
    "DROP INDEX unit_members_unit_user",
)


class Submission(Table, tablename="submissions"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        for statement in CREATE:
            await Submission.raw(statement)

    async def run_backwards():
        for statement in DROP:
            await Submission.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
