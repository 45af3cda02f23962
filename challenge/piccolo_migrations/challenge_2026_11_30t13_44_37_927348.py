"""Idempotency keys: one row per (user, key) with the request's hash and its stored answer
(see challenge.platform.idempotency). Written by hand, like Piccolo's own table migrations; the
unique index on (user, key) follows in the next migration (raw SQL runs before added tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import UUID, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-30T13:44:37:927348"
VERSION = "1.38.0"
DESCRIPTION = "Idempotency keys for retried requests"


class User(Table, tablename="users", schema=None):
    id = UUID(default=UUID4(), null=False, primary_key=True, unique=False, index=False,
              index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


def _params(**overrides) -> dict:
    return {"null": False, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
            "secret": False, **overrides}


COLUMNS = (
    ("id", UUID, _params(default=UUID4(), primary_key=True)),
    ("user", ForeignKey, _params(references=User, on_delete=OnDelete.cascade,
                                 on_update=OnUpdate.cascade, target_column=None, null=True)),
    ("key", Varchar, _params(length=200, default="")),
    ("route", Varchar, _params(length=200, default="")),
    ("request_hash", Varchar, _params(length=64, default="")),
    ("result", Text, _params(default="{}")),
    ("status", Integer, _params(default=0)),
    ("body", Text, _params(default="")),
    ("content_type", Varchar, _params(length=100, default="")),
    ("created_at", Timestamptz, _params(default=TimestamptzNow(), index=True)),
)



async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)
    manager.add_table(class_name="IdempotencyKey", tablename="idempotency_keys", schema=None, columns=None)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="IdempotencyKey", tablename="idempotency_keys", column_name=name,
            db_column_name=name, column_class_name=column_class.__name__, column_class=column_class,
            params=params, schema=None,
        )
    return manager
