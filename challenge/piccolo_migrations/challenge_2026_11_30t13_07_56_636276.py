"""Receipts are issued documents, not attachments: their own owner type (works on both engines).

Jurors list and download a proposal's attachments (owner type "submission"); the receipts the
portal issued were stored there too, naming the team. They move to "submission_issued", which
only the team and staff read and nobody deletes. Award letters and certificates, should any
have been stored as attachments, move with them.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T13:07:56:636276"
VERSION = "1.38.0"
DESCRIPTION = "Issued submission documents get their own owner type"


class Document(Table, tablename="documents"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)

    async def run():
        await Document.raw(
            "UPDATE documents SET owner_type = 'submission_issued' "
            "WHERE owner_type = 'submission' AND kind IN ('receipt', 'award_letter', 'certificate')"
        )

    async def run_backwards():
        await Document.raw(
            "UPDATE documents SET owner_type = 'submission' WHERE owner_type = 'submission_issued'"
        )

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
