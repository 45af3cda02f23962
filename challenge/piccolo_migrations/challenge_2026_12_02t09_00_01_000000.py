"""Participation's unique indexes (both engines): one profile per account, one support per
account and problem, one report per person and comment, each path step mailed once, one people's
prize per call, a proposal once on its ballot, one vote per account and challenge; and the index
that serves /mitmachen's default order (published problems by supports)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T09:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Participation: unique indexes"

INDEXES = (
    ("participant_profiles_user", 'participant_profiles ("user")', True),
    ("problem_supports_once", 'problem_supports (problem, "user")', True),
    ("comment_reports_once", "comment_reports (comment, reporter)", True),
    ("problem_notices_once", "problem_notices (problem, step)", True),
    ("prize_votings_call", "prize_votings (call)", True),
    ("prize_candidates_once", "prize_candidates (voting, submission)", True),
    ("prize_votes_once", 'prize_votes (voting, challenge_key, "user")', True),
    ("problems_by_supports", "problems (status, support_count DESC, published_at DESC)", False),
)


class ResidentProblem(Table, tablename="problems"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        for name, target, unique in INDEXES:
            kind = "UNIQUE INDEX" if unique else "INDEX"
            await ResidentProblem.raw(f"CREATE {kind} {name} ON {target}")

    async def run_backwards():
        for name, _target, _unique in INDEXES:
            await ResidentProblem.raw(f"DROP INDEX {name}")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
