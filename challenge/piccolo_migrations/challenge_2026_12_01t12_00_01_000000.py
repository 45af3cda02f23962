"""Indexes for conversations (both engines):

- one thread per subject; one read mark per person and thread; one staff template per mail,
  language and scope; one announcement mail per person: unique, so parallel first posts, reads,
  saves and sends cannot add a second row;
- a thread's messages in order; open requests by due date (overdue on the staff start page).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-01T12:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique and ordering indexes for threads, reads, requests, templates, announcements"

CREATE = (
    "CREATE UNIQUE INDEX threads_subject ON threads (subject_type, subject_id)",
    'CREATE UNIQUE INDEX thread_reads_thread_user ON thread_reads (thread, "user")',
    "CREATE UNIQUE INDEX mail_templates_key ON mail_templates (key, locale, scope)",
    "CREATE UNIQUE INDEX announcement_recipients_once ON announcement_recipients "
    '(announcement, "user")',
    "CREATE INDEX messages_thread_created ON messages (thread, created_at)",
    "CREATE INDEX information_requests_open ON information_requests (status, due_at)",
)
DROP = (
    "DROP INDEX information_requests_open",
    "DROP INDEX messages_thread_created",
    "DROP INDEX announcement_recipients_once",
    "DROP INDEX mail_templates_key",
    "DROP INDEX thread_reads_thread_user",
    "DROP INDEX threads_subject",
)


class Thread(Table, tablename="threads"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        for statement in CREATE:
            await Thread.raw(statement)

    async def run_backwards():
        for statement in DROP:
            await Thread.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
