"""Tables of the development phase: the phase's dates per call, the workspace's checklist and
meetings, the team's offer, the pitch day and its slots, and the pilot decision per challenge."""

from piccolo.columns import (
    JSONB,
    UUID,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge
from challenge.platform.accounts.tables import User
from challenge.submissions.tables import Submission
from partnerships.tables import Partnership

CHECKLIST_STATES = ("open", "in_progress", "done", "not_needed")
OFFER_STATES = ("draft", "submitted")


class DevelopmentPhase(Table, tablename="development_phases"):
    """One per call with challenges: when the phase runs, when offers are due, the bonus cap."""

    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade, unique=True)
    starts_on = Date()
    ends_on = Date()
    offer_due_at = Timestamptz()
    bonus_cap_cents = BigInt(default=1_000_000)
    created_at = Timestamptz()
    updated_at = Timestamptz(auto_update=Timestamptz.value_type.now)


class ChecklistItem(Table, tablename="development_checklist"):
    """One framework condition the city and a team work through; unique (submission, key)."""

    id = UUID(primary_key=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, index=True)
    key = Varchar(length=40)
    title = Varchar(length=200)
    position = Integer(default=0)
    status = Varchar(length=20, default="open")
    owner = Varchar(length=10, default="city")  # city | team
    note = Text(default="")
    due_on = Date(null=True, default=None)
    updated_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    updated_at = Timestamptz()


class Meeting(Table, tablename="development_meetings"):
    """A meeting of the team and the city during the phase, with its minutes."""

    id = UUID(primary_key=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, index=True)
    held_at = Timestamptz()
    participants = Text(default="")
    minutes = Text(default="")
    created_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()


class Offer(Table, tablename="offers"):
    """The team's offer for a pilot: a draft with optimistic locking, then frozen with a SHA-256."""

    id = UUID(primary_key=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, unique=True)
    challenge = ForeignKey(references=Challenge, on_delete=OnDelete.restrict, index=True)
    version = Integer(default=1)
    status = Varchar(length=12, default="draft")
    scope = Text(default="")
    goals = Text(default="")
    indicators = Text(default="")
    months = Integer(default=6)
    milestones = JSONB(default=[])  # [{title, deliverables, month, amount_cents}]
    costs = JSONB(default=[])  # [{category, description, amount_cents}]
    total_cents = BigInt(default=0)
    followup_cents_per_year = BigInt(default=0)
    operation = Text(default="")
    personal_data = Text(default="")
    hosting = Text(default="")
    open_source = JSONB(default={})  # {intent, licence, repository_plan, ownership}
    presentation_document = UUID(null=True, default=None)
    public_summary = Text(default="")
    consent_publication = Boolean(default=False)
    sha256 = Varchar(length=64, default="")
    submitted_at = Timestamptz(null=True, default=None)
    submitted_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz(auto_update=Timestamptz.value_type.now)


class PitchEvent(Table, tablename="pitch_events"):
    """The pitch day of a call: when, where (place and/or video link), minutes per team."""

    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade, unique=True)
    starts_at = Timestamptz()
    place = Varchar(length=300, default="")
    video_url = Varchar(length=500, default="")
    slot_minutes = Integer(default=20)
    round_number = Integer(default=2)  # the jury round that scores the pitches
    created_at = Timestamptz()
    updated_at = Timestamptz(auto_update=Timestamptz.value_type.now)


class PitchSlot(Table, tablename="pitch_slots"):
    """A team's turn at the pitch; unique per submission."""

    id = UUID(primary_key=True)
    event = ForeignKey(references=PitchEvent, on_delete=OnDelete.cascade, index=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, unique=True)
    position = Integer()
    starts_at = Timestamptz()
    minutes = Integer()


class PilotDecision(Table, tablename="pilot_decisions"):
    """The city's decision per challenge: one pilot or none (submission NULL), with a rationale.
    The unique challenge is what makes "at most one pilot per challenge" hold under races."""

    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade, index=True)
    challenge = ForeignKey(references=Challenge, on_delete=OnDelete.restrict, unique=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.restrict, null=True)
    rationale = Text(default="")
    partnership = ForeignKey(references=Partnership, on_delete=OnDelete.set_null, null=True)
    decided_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    decided_at = Timestamptz()
