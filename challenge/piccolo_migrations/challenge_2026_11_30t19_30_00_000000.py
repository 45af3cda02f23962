"""Challenges (issue 17): city units and their members, challenges with their review history,
the owning unit's comments for the jury, a challenge per proposal and the challenges a juror
judges. Written by hand, like Piccolo's own table migrations; the unique indexes follow in the
next migration (raw SQL runs before added tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    JSONB,
    UUID,
    BigInt,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-30T19:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Units, challenges, unit comments; submissions and jurors per challenge"


def _stub(name: str, tablename: str) -> type[Table]:
    id_column = UUID(default=UUID4(), null=False, primary_key=True, unique=False, index=False,
                     index_method=IndexMethod.btree, choices=None, db_column_name=None,
                     secret=False)
    return type(name, (Table,), {"id": id_column}, tablename=tablename, schema=None)


User = _stub("User", "users")
Call = _stub("Call", "calls")
Unit = _stub("Unit", "units")
Challenge = _stub("Challenge", "challenges")
Submission = _stub("Submission", "submissions")


def _params(**overrides) -> dict:
    return {"null": False, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
            "secret": False, **overrides}


def _fk(table, on_delete, **overrides) -> tuple:
    return ForeignKey, _params(references=table, on_delete=on_delete, on_update=OnUpdate.cascade,
                               target_column=None, **overrides)


ID_COLUMN = ("id", UUID, _params(default=UUID4(), primary_key=True))
CREATED = ("created_at", Timestamptz, _params(default=TimestamptzNow()))

TABLES = {
    ("Unit", "units"): (
        ID_COLUMN,
        ("name", Varchar, _params(length=200, default="", unique=True)),
        ("kind", Varchar, _params(length=20, default="city_office")),
        CREATED,
    ),
    ("UnitMember", "unit_members"): (
        ID_COLUMN,
        ("unit", *_fk(Unit, OnDelete.cascade, null=True, index=True)),
        ("user", *_fk(User, OnDelete.cascade, null=True, index=True)),
        ("invited_by", *_fk(User, OnDelete.set_null, null=True)),
        CREATED,
    ),
    ("Challenge", "challenges"): (
        ID_COLUMN,
        ("unit", *_fk(Unit, OnDelete.cascade, null=True, index=True)),
        ("title", Varchar, _params(length=200, default="")),
        ("problem", Text, _params(default="")),
        ("affected", Text, _params(default="")),
        ("outcome", Text, _params(default="")),
        ("contact_name", Varchar, _params(length=200, default="")),
        ("mentor_name", Varchar, _params(length=200, default="")),
        ("offer", JSONB, _params(default="{}")),
        ("constraints", Text, _params(default="")),
        ("pilot_budget_cents", BigInt, _params(default=2_500_000)),
        ("pilot_months", Integer, _params(default=6)),
        ("places", Integer, _params(default=3)),
        ("stipend_cents", BigInt, _params(default=200_000)),
        ("questions", JSONB, _params(default="[]")),
        ("faq", JSONB, _params(default="[]")),
        ("status", Varchar, _params(length=20, default="draft", index=True)),
        ("call", *_fk(Call, OnDelete.set_null, null=True, index=True)),
        ("key", Varchar, _params(length=40, default=None, null=True)),
        ("position", Integer, _params(default=0)),
        ("ranking_released_at", Timestamptz, _params(default=None, null=True)),
        ("created_by", *_fk(User, OnDelete.set_null, null=True)),
        CREATED,
        ("updated_at", Timestamptz, _params(default=TimestamptzNow())),
    ),
    ("ChallengeEvent", "challenge_events"): (
        ID_COLUMN,
        ("challenge", *_fk(Challenge, OnDelete.cascade, null=True, index=True)),
        ("actor", *_fk(User, OnDelete.set_null, null=True)),
        ("action", Varchar, _params(length=20, default="")),
        ("comment", Text, _params(default="")),
        CREATED,
    ),
    ("UnitComment", "unit_comments"): (
        ID_COLUMN,
        ("submission", *_fk(Submission, OnDelete.cascade, null=True, index=True)),
        ("author", *_fk(User, OnDelete.set_null, null=True)),
        ("body", Text, _params(default="")),
        CREATED,
    ),
}

NEW_COLUMNS = (
    ("Submission", "submissions", "challenge",
     *_fk(Challenge, OnDelete.restrict, null=True, index=True)),
    ("Juror", "jurors", "challenges", JSONB, _params(default="[]")),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="challenge", description=DESCRIPTION)
    for (class_name, tablename), columns in TABLES.items():
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name, tablename=tablename, column_name=name,
                db_column_name=name, column_class_name=column_class.__name__,
                column_class=column_class, params=params, schema=None,
            )
    for class_name, tablename, name, column_class, params in NEW_COLUMNS:
        manager.add_column(
            table_class_name=class_name, tablename=tablename, column_name=name,
            db_column_name=name, column_class_name=column_class.__name__,
            column_class=column_class, params=params, schema=None,
        )
    return manager
