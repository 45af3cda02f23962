"""Sessions remember when the person last proved who they are and whether the second factor was
passed (issue 22: step-up for money and irreversible actions, two-factor login). Written by hand,
like Piccolo's own column migrations."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean, Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T13:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Sessions: authenticated_at and second_factor"


def _params(**overrides) -> dict:
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **overrides,
    }


COLUMNS = (
    ("authenticated_at", Timestamptz, _params(default=None, null=True)),
    ("second_factor", Boolean, _params(default=False)),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="Session",
            tablename="sessions",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
