"""People's prize: a candidate remembers that its team declined to be shown (staff see it on the
prize page). Written by hand, like Piccolo's own column migrations."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T09:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "People's prize: prize_candidates.declined_at"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)
    manager.add_column(
        table_class_name="PrizeCandidate",
        tablename="prize_candidates",
        column_name="declined_at",
        db_column_name="declined_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
