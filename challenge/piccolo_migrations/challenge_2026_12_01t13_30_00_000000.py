"""Single sign-on (issue 22): oidc_identities ties an account to a subject of the city's OpenID
provider, oidc_nonces remembers the nonces of ID tokens already used; the unique index of
oidc_identities follows in the next migration (Piccolo runs raw statements before tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import UUID, ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-12-01T13:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Single sign-on: oidc_identities and oidc_nonces"


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


TABLES = (
    (
        "OidcIdentity",
        "oidc_identities",
        (
            ("id", UUID, _params(default=UUID4(), primary_key=True)),
            (
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
            ),
            ("issuer", Varchar, _params(length=500, default="")),
            ("subject", Varchar, _params(length=255, default="")),
            ("created_at", Timestamptz, _params(default=TimestamptzNow())),
            ("last_login_at", Timestamptz, _params(default=TimestamptzNow())),
        ),
    ),
    (
        "OidcNonce",
        "oidc_nonces",
        (
            ("id", Varchar, _params(length=64, default="", primary_key=True)),
            ("used_at", Timestamptz, _params(default=TimestamptzNow(), index=True)),
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
