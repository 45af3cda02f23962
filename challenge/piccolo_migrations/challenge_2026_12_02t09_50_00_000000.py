"""Participation review (issue 21): comment reports are closed, not forgotten, when moderators
decide (closed_at; report_count counts open reports only, erasure too); a visitor without an
account reports a comment once per address (reporter_ip_hash, a keyed hash of the address per
comment, unique per comment where there is no reporter — earlier anonymous reports get their own
id as a stand-in so they stay apart); indexes for the replies of a page's threads
(problem_comments_replies on problem, parent, created_at) and for the reports of an account
(comment_reports_reporter: export, erasure, deleting an account). Written by hand, raw SQL both
engines read alike."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T09:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Participation: closed comment reports, anonymous reports once per address, indexes"

FORWARDS = (
    "ALTER TABLE comment_reports ADD COLUMN closed_at TIMESTAMPTZ NULL",
    "ALTER TABLE comment_reports ADD COLUMN reporter_ip_hash VARCHAR(64) NOT NULL DEFAULT ''",
    "UPDATE comment_reports SET reporter_ip_hash = CAST(id AS VARCHAR(64))"
    " WHERE reporter IS NULL",
    "CREATE UNIQUE INDEX comment_reports_anonymous ON comment_reports (comment, reporter_ip_hash)"
    " WHERE reporter IS NULL",
    "CREATE INDEX comment_reports_reporter ON comment_reports (reporter)",
    "CREATE INDEX problem_comments_replies ON problem_comments (problem, parent, created_at)",
)
BACKWARDS = (
    "DROP INDEX problem_comments_replies",
    "DROP INDEX comment_reports_reporter",
    "DROP INDEX comment_reports_anonymous",
    "ALTER TABLE comment_reports DROP COLUMN reporter_ip_hash",
    "ALTER TABLE comment_reports DROP COLUMN closed_at",
)


class CommentReport(Table, tablename="comment_reports"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        for statement in FORWARDS:
            await CommentReport.raw(statement)

    async def run_backwards():
        for statement in BACKWARDS:
            await CommentReport.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
