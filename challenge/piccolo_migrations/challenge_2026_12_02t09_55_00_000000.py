"""People's prize indexes (both engines), for the queries that ran without one: the results and
the staff's figures read a voting's valid (or voided) votes grouped by candidate
(prize_votes_counted); the candidacy of a proposal is looked up by submission (the team's
consent page, prize_candidates_of_submission); deleting an account sets voided_by and
consented_by to NULL (prize_votes_voider, prize_candidates_consenter). Votes by account already
have Piccolo's index on "user"."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T09:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "People's prize: indexes for results, candidacy and account deletion"

INDEXES = (
    ("prize_votes_counted", "prize_votes (voting, voided_at, candidate)"),
    ("prize_votes_voider", "prize_votes (voided_by)"),
    ("prize_candidates_of_submission", "prize_candidates (submission)"),
    ("prize_candidates_consenter", "prize_candidates (consented_by)"),
)


class PrizeVote(Table, tablename="prize_votes"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        for name, target in INDEXES:
            await PrizeVote.raw(f"CREATE INDEX {name} ON {target}")

    async def run_backwards():
        for name, _target in INDEXES:
            await PrizeVote.raw(f"DROP INDEX {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
