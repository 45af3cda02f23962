"""Submissions, their submitted versions, reference counters and deadline extensions."""

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
from challenge.challenges.tables import Challenge
from challenge.organisations.tables import Organisation
from challenge.platform.accounts.tables import User

SUBMISSION_STATES = ("draft", "submitted", "withdrawn")


class Submission(Table, tablename="submissions"):
    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade, index=True)
    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    # On a call with challenges every proposal answers one of them; None on calls without.
    challenge = ForeignKey(references=Challenge, on_delete=OnDelete.restrict, null=True, index=True)
    title = Varchar(length=200, default="")
    summary = Text(default="")
    category = Varchar(length=100, default="")
    answers = JSONB(default={})
    status = Varchar(length=12, default="draft", index=True)
    version = Integer(default=1)  # optimistic locking: every save must name the version it read
    reference = Varchar(length=20, null=True, default=None, unique=True)
    consent_publication = Boolean(default=False)
    submitted_at = Timestamptz(null=True, default=None)
    withdrawn_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz(auto_update=Timestamptz.value_type.now)
    # One proposal per team and challenge that is not withdrawn (per call on calls without
    # challenges): the partial unique indexes submissions_one_open_per_call on
    # (call, organisation) WHERE challenge IS NULL and submissions_one_open_per_challenge on
    # (challenge, organisation), both only over rows WHERE status <> 'withdrawn'.


class SubmissionVersion(Table, tablename="submission_versions"):
    """What was submitted, frozen: canonical JSON and its SHA-256, printed on the receipt."""

    id = UUID(primary_key=True)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    snapshot = Text()
    sha256 = Varchar(length=64)
    receipt_document = UUID(null=True, default=None)
    created_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    # (submission, number) is unique through the index submission_versions_submission_number.


class ReferenceCounter(Table, tablename="reference_counters"):
    """The last reference number handed out per year (SCC-<year>-<nnnn>)."""

    year = Integer(primary_key=True)
    last = Integer(default=0)


class DeadlineExtension(Table, tablename="deadline_extensions"):
    """Staff may give one team more time, with a reason (audited)."""

    id = UUID(primary_key=True)
    call = ForeignKey(references=Call, on_delete=OnDelete.cascade, index=True)
    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.cascade, index=True)
    closes_at = Timestamptz()
    reason = Text()
    granted_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
