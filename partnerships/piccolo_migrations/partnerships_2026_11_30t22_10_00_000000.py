"""The development phase (issue 18): its dates per call, the workspace's checklist and meetings,
offers, the pitch day and its slots, pilot decisions; partnerships gain a kind (stipend, pilot,
partnership), milestones a kind (regular, open-source bonus) and the bonus's verification, and
evidence the repository, ref and licence. Written by hand like Piccolo's own table migrations;
the unique keys follow in the next migration (raw SQL runs before added tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    JSONB,
    UUID,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-30T22:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Development phase, checklist, meetings, offers, pitch day, pilot decisions, kinds"


def _stub(name: str, tablename: str) -> type[Table]:
    id_column = UUID(default=UUID4(), null=False, primary_key=True, unique=False, index=False,
                     index_method=IndexMethod.btree, choices=None, db_column_name=None,
                     secret=False)
    return type(name, (Table,), {"id": id_column}, tablename=tablename, schema=None)


User = _stub("User", "users")
Call = _stub("Call", "calls")
Challenge = _stub("Challenge", "challenges")
Submission = _stub("Submission", "submissions")
Partnership = _stub("Partnership", "partnerships")
PitchEvent = _stub("PitchEvent", "pitch_events")


def _params(**overrides) -> dict:
    return {"null": False, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
            "secret": False, **overrides}


def _fk(table, on_delete, **overrides) -> tuple:
    return ForeignKey, _params(references=table, on_delete=on_delete, on_update=OnUpdate.cascade,
                               target_column=None, **overrides)


ID_COLUMN = ("id", UUID, _params(default=UUID4(), primary_key=True))
CREATED = ("created_at", Timestamptz, _params(default=TimestamptzNow()))
UPDATED = ("updated_at", Timestamptz, _params(default=TimestamptzNow()))
SUBMISSION = ("submission", *_fk(Submission, OnDelete.cascade, null=True, index=True))

TABLES = {
    ("DevelopmentPhase", "development_phases"): (
        ID_COLUMN,
        ("call", *_fk(Call, OnDelete.cascade, null=True, unique=True)),
        ("starts_on", Date, _params(default=DateNow())),
        ("ends_on", Date, _params(default=DateNow())),
        ("offer_due_at", Timestamptz, _params(default=TimestamptzNow())),
        ("bonus_cap_cents", BigInt, _params(default=1_000_000)),
        CREATED,
        UPDATED,
    ),
    ("ChecklistItem", "development_checklist"): (
        ID_COLUMN,
        SUBMISSION,
        ("key", Varchar, _params(length=40, default="")),
        ("title", Varchar, _params(length=200, default="")),
        ("position", Integer, _params(default=0)),
        ("status", Varchar, _params(length=20, default="open")),
        ("owner", Varchar, _params(length=10, default="city")),
        ("note", Text, _params(default="")),
        ("due_on", Date, _params(default=None, null=True)),
        ("updated_by", *_fk(User, OnDelete.set_null, null=True)),
        ("updated_at", Timestamptz, _params(default=TimestamptzNow())),
    ),
    ("Meeting", "development_meetings"): (
        ID_COLUMN,
        SUBMISSION,
        ("held_at", Timestamptz, _params(default=TimestamptzNow())),
        ("participants", Text, _params(default="")),
        ("minutes", Text, _params(default="")),
        ("created_by", *_fk(User, OnDelete.set_null, null=True)),
        CREATED,
    ),
    ("Offer", "offers"): (
        ID_COLUMN,
        ("submission", *_fk(Submission, OnDelete.cascade, null=True, unique=True)),
        ("challenge", *_fk(Challenge, OnDelete.restrict, null=True, index=True)),
        ("version", Integer, _params(default=1)),
        ("status", Varchar, _params(length=12, default="draft")),
        ("scope", Text, _params(default="")),
        ("goals", Text, _params(default="")),
        ("indicators", Text, _params(default="")),
        ("months", Integer, _params(default=6)),
        ("milestones", JSONB, _params(default="[]")),
        ("costs", JSONB, _params(default="[]")),
        ("total_cents", BigInt, _params(default=0)),
        ("followup_cents_per_year", BigInt, _params(default=0)),
        ("operation", Text, _params(default="")),
        ("personal_data", Text, _params(default="")),
        ("hosting", Text, _params(default="")),
        ("open_source", JSONB, _params(default="{}")),
        ("presentation_document", UUID, _params(default=None, null=True)),
        ("public_summary", Text, _params(default="")),
        ("consent_publication", Boolean, _params(default=False)),
        ("sha256", Varchar, _params(length=64, default="")),
        ("submitted_at", Timestamptz, _params(default=None, null=True)),
        ("submitted_by", *_fk(User, OnDelete.set_null, null=True)),
        CREATED,
        UPDATED,
    ),
    ("PitchEvent", "pitch_events"): (
        ID_COLUMN,
        ("call", *_fk(Call, OnDelete.cascade, null=True, unique=True)),
        ("starts_at", Timestamptz, _params(default=TimestamptzNow())),
        ("place", Varchar, _params(length=300, default="")),
        ("video_url", Varchar, _params(length=500, default="")),
        ("slot_minutes", Integer, _params(default=20)),
        ("round_number", Integer, _params(default=2)),
        CREATED,
        UPDATED,
    ),
    ("PitchSlot", "pitch_slots"): (
        ID_COLUMN,
        ("event", *_fk(PitchEvent, OnDelete.cascade, null=True, index=True)),
        ("submission", *_fk(Submission, OnDelete.cascade, null=True, unique=True)),
        ("position", Integer, _params(default=0)),
        ("starts_at", Timestamptz, _params(default=TimestamptzNow())),
        ("minutes", Integer, _params(default=20)),
    ),
    ("PilotDecision", "pilot_decisions"): (
        ID_COLUMN,
        ("call", *_fk(Call, OnDelete.cascade, null=True, index=True)),
        ("challenge", *_fk(Challenge, OnDelete.restrict, null=True, unique=True)),
        ("submission", *_fk(Submission, OnDelete.restrict, null=True)),
        ("rationale", Text, _params(default="")),
        ("partnership", *_fk(Partnership, OnDelete.set_null, null=True)),
        ("decided_by", *_fk(User, OnDelete.set_null, null=True)),
        ("decided_at", Timestamptz, _params(default=TimestamptzNow())),
    ),
}

NEW_COLUMNS = (
    ("Partnership", "partnerships", "kind", Varchar, _params(length=12, default="partnership")),
    ("Milestone", "milestones", "kind", Varchar, _params(length=20, default="regular")),
    ("Milestone", "milestones", "verification", JSONB, _params(default="{}")),
    ("Evidence", "milestone_evidence", "repository_url", Varchar,
     _params(length=500, default="")),
    ("Evidence", "milestone_evidence", "ref", Varchar, _params(length=200, default="")),
    ("Evidence", "milestone_evidence", "licence", Varchar, _params(length=100, default="")),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="partnerships", description=DESCRIPTION)
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
