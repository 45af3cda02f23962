"""Jury tables: rounds, jurors per call, conflicts, assignments and reviews."""

from piccolo.columns import (
    JSONB,
    UUID,
    Boolean,
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
from challenge.submissions.tables import Submission


class Round(Table, tablename="jury_rounds"):
    """A scoring round with its own rubric; the rubric freezes with the first saved review."""

    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade, index=True)
    number = Integer(default=1)
    name = Varchar(length=200, default="")
    criteria = JSONB(default=[])
    reviews_per_submission = Integer(default=3)
    ends_at = Timestamptz(null=True, default=None)
    share_scores = Boolean(default=False)  # jurors see others' scores after finalising their own
    event_at = Timestamptz(null=True, default=None)
    event_place = Varchar(length=300, default="")
    rubric_frozen_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Juror(Table, tablename="jurors"):
    """A person on a call's jury (the per-call juror role)."""

    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade, index=True)
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    rounds = JSONB(default=[1])
    challenges = JSONB(default=[])  # ids of the challenges judged; empty: the whole call
    expertise = JSONB(default=[])
    invited_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    invited_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    declaration_completed_at = Timestamptz(null=True, default=None)
    last_reminded_at = Timestamptz(null=True, default=None)


class Conflict(Table, tablename="conflicts"):
    """A juror must not review this submission; lifted conflicts stay for the record."""

    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade, index=True)
    juror = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, index=True)
    reason = Text(default="")
    source = Varchar(length=10, default="declared")  # declared | suggested | staff | member | rule
    created_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    lifted_at = Timestamptz(null=True, default=None)
    lift_reason = Text(default="")


class Assignment(Table, tablename="assignments"):
    id = UUID(primary_key=True)
    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    juror = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=10, default="assigned")  # assigned | recused | done
    created_at = Timestamptz()


class Review(Table, tablename="reviews"):
    """One juror's scores for one submission in one round: draft, then final."""

    id = UUID(primary_key=True)
    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    juror = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, index=True)
    scores = JSONB(default={})
    comments = JSONB(default={})
    comment = Text(default="")
    shareable = Boolean(default=False)
    status = Varchar(length=10, default="draft")
    rubric_version = Varchar(length=64, default="")
    version = Integer(default=1)
    finalized_at = Timestamptz(null=True, default=None)
    updated_at = Timestamptz(auto_update=Timestamptz.value_type.now)


class RoundEntry(Table, tablename="round_entries"):
    """Which entries a later round scores (the shortlist); round 1 scores every submitted entry."""

    id = UUID(primary_key=True)
    round = ForeignKey(references=Round, on_delete=OnDelete.cascade, index=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()


class UnitComment(Table, tablename="unit_comments"):
    """A note of the owning unit on a proposal to its challenge, for the jury to read."""

    id = UUID(primary_key=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    body = Text()
    created_at = Timestamptz()
