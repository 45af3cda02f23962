"""Two-factor login (issue 22): totp_secrets holds each person's TOTP secret (encrypted),
recovery_codes the hashes of their single-use recovery codes; the unique index of totp_secrets
follows in the next migration (Piccolo runs raw statements before tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import UUID, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-02T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Two-factor login: totp_secrets and recovery_codes"


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


def _user() -> tuple:
    return (
        "user",
        ForeignKey,
        _params(
            references=User,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
            null=True,
            index=True,
        ),
    )


TABLES = (
    (
        "TotpSecret",
        "totp_secrets",
        (
            ("id", UUID, _params(default=UUID4(), primary_key=True)),
            _user(),
            ("secret", Text, _params(default="")),
            ("created_at", Timestamptz, _params(default=TimestamptzNow())),
            ("confirmed_at", Timestamptz, _params(default=None, null=True)),
            ("last_used_step", Integer, _params(default=0)),
        ),
    ),
    (
        "RecoveryCode",
        "recovery_codes",
        (
            ("id", UUID, _params(default=UUID4(), primary_key=True)),
            _user(),
            ("code_hash", Varchar, _params(length=64, default="")),
            ("created_at", Timestamptz, _params(default=TimestamptzNow())),
            ("used_at", Timestamptz, _params(default=None, null=True)),
        ),
    ),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)
    for class_name, tablename, columns in TABLES:
        manager.add_table(class_name=class_name, tablename=tablename, schema=None)
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                column_class_name=column_class.__name__,
                column_class=column_class,
                params=params,
                schema=None,
            )
    return manager
