"""One open proposal per team and call, and one frozen version per number — as unique indexes,
so parallel requests cannot slip past the service's check (works on both engines).

The proposal key is (call, organisation) over every proposal that is not withdrawn. When
submissions gain a challenge column, drop this index and create it again with the challenge in
the key (e.g. ("call", organisation, COALESCE(challenge, ''))).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:05:31:151685"
VERSION = "1.38.0"
DESCRIPTION = "Unique open proposal per call and team; unique submission version numbers"


class Submission(Table, tablename="submissions"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        await Submission.raw(
            'CREATE UNIQUE INDEX submissions_one_open_per_call ON submissions ("call", organisation) '
            "WHERE status <> 'withdrawn'"
        )
        await Submission.raw(
            "CREATE UNIQUE INDEX submission_versions_submission_number ON submission_versions (submission, number)"
        )

    async def run_backwards():
        await Submission.raw("DROP INDEX submission_versions_submission_number")
        await Submission.raw("DROP INDEX submissions_one_open_per_call")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
