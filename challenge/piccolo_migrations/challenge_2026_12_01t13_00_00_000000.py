"""The daily digest's queue (issue 20): digest_entries, one row per person and thread with news for
the person's next digest; its unique index follows in the next migration (Piccolo runs a
migration's raw statements before its tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import UUID, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-01T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "The daily digest's queue (digest_entries)"


class Thread(Table, tablename="threads", schema=None):
    id = UUID(default=UUID4(), null=False, primary_key=True)


class User(Table, tablename="users", schema=None):
    id = UUID(default=UUID4(), null=False, primary_key=True)


def _params(**values) -> dict:
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **values,
    }


def _foreign(references) -> dict:
    return _params(
        references=references,
        on_delete=OnDelete.cascade,
        on_update=OnUpdate.cascade,
        target_column=None,
        null=True,
    )


COLUMNS = (
    ("id", UUID, _params(default=UUID4(), primary_key=True)),
    ("user", ForeignKey, _foreign(User)),
    ("thread", ForeignKey, _foreign(Thread)),
    ("title", Varchar, _params(length=300, default="")),
    ("link", Varchar, _params(length=500, default="")),
    ("messages", Integer, _params(default=0)),
    ("first_at", Timestamptz, _params(default=TimestamptzNow())),
    ("last_at", Timestamptz, _params(default=TimestamptzNow())),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)
    manager.add_table(class_name="DigestEntry", tablename="digest_entries", schema=None)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="DigestEntry",
            tablename="digest_entries",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
