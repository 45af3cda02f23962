"""City units, their members, challenges and the history of each challenge's review."""

from piccolo.columns import (
    JSONB,
    UUID,
    BigInt,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from challenge.calls.tables import Call
from challenge.platform.accounts.tables import User

UNIT_KINDS = ("city_office", "municipal_company", "other")
CHALLENGE_STATES = ("draft", "proposed", "changes_requested", "approved", "declined", "withdrawn")


class Unit(Table, tablename="units"):
    """A city office or municipal company that poses challenges."""

    id = UUID(primary_key=True)
    name = Varchar(length=200, unique=True)
    kind = Varchar(length=20, default="city_office")
    created_at = Timestamptz()


class UnitMember(Table, tablename="unit_members"):
    """A person of a unit (the per-unit role ``unit``)."""

    id = UUID(primary_key=True)
    unit = ForeignKey(references=Unit, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    invited_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    # (unit, user) is unique through the index unit_members_unit_user (see the migration).


class Challenge(Table, tablename="challenges"):
    """A problem a unit poses; once approved, staff attach it to a call under a short key."""

    id = UUID(primary_key=True)
    unit = ForeignKey(references=Unit, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=200)
    problem = Text(default="")
    affected = Text(default="")
    outcome = Text(default="")
    contact_name = Varchar(length=200, default="")
    mentor_name = Varchar(length=200, default="")
    offer = JSONB(default={})  # {datasets: [{title, url}], infrastructure, staff_access}
    constraints = Text(default="")
    pilot_budget_cents = BigInt(default=2_500_000)
    pilot_months = Integer(default=6)
    places = Integer(default=3)
    stipend_cents = BigInt(default=200_000)
    questions = JSONB(default=[])  # extra questions for this challenge (the call's shape)
    faq = JSONB(default=[])
    status = Varchar(length=20, default="draft", index=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.set_null, null=True, index=True)
    key = Varchar(length=40, null=True, default=None)
    position = Integer(default=0)
    ranking_released_at = Timestamptz(null=True, default=None)  # the unit may see its ranking
    created_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz(auto_update=Timestamptz.value_type.now)
    # (call, key) is unique through the index challenges_call_key (see the migration).


class ChallengeEvent(Table, tablename="challenge_events"):
    """What happened to a challenge: submitted, comment, changes requested, approved, …"""

    id = UUID(primary_key=True)
    challenge = ForeignKey(references=Challenge, on_delete=OnDelete.cascade, index=True)
    actor = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    action = Varchar(length=20)
    comment = Text(default="")
    created_at = Timestamptz()
