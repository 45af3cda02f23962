"""Rankings cached in the database (issue 25): one row per (call, round, challenge key,
method) with the fingerprint of its inputs and the serialised ranking (see
challenge.results.cache), shared by every replica. Written by hand, like Piccolo's own table
migrations; the unique index follows in the next migration (raw SQL runs before added tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import UUID, Bytea, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-01T08:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Ranking cache"


class Call(Table, tablename="calls", schema=None):
    id = UUID(default=UUID4(), null=False, primary_key=True, unique=False, index=False,
              index_method=IndexMethod.btree, choices=None, db_column_name=None, secret=False)


def _params(**overrides) -> dict:
    return {"null": False, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
            "secret": False, **overrides}


COLUMNS = (
    ("id", UUID, _params(default=UUID4(), primary_key=True)),
    ("call", ForeignKey, _params(references=Call, on_delete=OnDelete.cascade,
                                 on_update=OnUpdate.cascade, target_column=None, null=True)),
    ("round_number", Integer, _params(default=1)),
    ("challenge_key", Varchar, _params(length=40, default="")),
    ("method", Varchar, _params(length=20, default="mean")),
    ("fingerprint", Varchar, _params(length=64, default="")),
    ("payload", Bytea, _params(default=b"")),
    ("computed_at", Timestamptz, _params(default=TimestamptzNow())),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)
    manager.add_table(class_name="RankingCache", tablename="ranking_cache", schema=None, columns=None)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="RankingCache", tablename="ranking_cache", column_name=name,
            db_column_name=name, column_class_name=column_class.__name__, column_class=column_class,
            params=params, schema=None,
        )
    return manager
