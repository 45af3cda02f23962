"""The outbox keeps each mail's values (issue 20, mail templates): staff preview their version of a
mail on the latest real one of its kind, found by the new index (template, created_at). Written by
hand, like Piccolo's own add_column."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-01T12:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Outbox: the values each mail was rendered with; its mails by kind and time"


class OutboxMail(Table, tablename="outbox"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)
    manager.add_column(
        table_class_name="OutboxMail", tablename="outbox", column_name="context",
        db_column_name="context", column_class_name="Text", column_class=Text,
        params={"default": "{}", "null": False, "primary_key": False, "unique": False,
                "index": False, "index_method": IndexMethod.btree, "choices": None,
                "db_column_name": None, "secret": False},
        schema=None,
    )

    async def run():
        await OutboxMail.raw("CREATE INDEX outbox_template_created ON outbox (template, created_at)")

    async def run_backwards():
        await OutboxMail.raw("DROP INDEX outbox_template_created")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
