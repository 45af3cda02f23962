"""Development partnerships (DESIGN §4, Partnership and Milestone): contracts, the milestone
plan and its amendments, evidence, four-eyes reviews, payments and sent reminders."""

from piccolo.columns import (
    JSONB,
    UUID,
    BigInt,
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
from challenge.organisations.tables import Organisation
from challenge.platform.accounts.tables import User
from challenge.submissions.tables import Submission

PARTNERSHIP_KINDS = ("partnership", "stipend", "pilot")
MILESTONE_KINDS = ("regular", "open_source_bonus")
PARTNERSHIP_STATES = ("draft", "sent", "signed", "active", "completed", "terminated")
MILESTONE_STATES = ("planned", "submitted", "changes_requested", "approved", "paid")


class Partnership(Table, tablename="partnerships"):
    id = UUID(primary_key=True)
    number = Integer(unique=True)  # the n in <prefix>-SCC-<year>-<n>, counted over all years
    year = Integer()
    call = ForeignKey(references=Call, on_delete=OnDelete.restrict, index=True)
    # one partnership per entry and kind (unique index partnerships_submission_kind)
    submission = ForeignKey(references=Submission, on_delete=OnDelete.restrict)
    kind = Varchar(length=12, default="partnership")  # stipend | pilot | partnership
    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.restrict, index=True)
    title = Varchar(length=200)
    scope = Text(default="")
    city_unit = Varchar(length=200, default="")
    start_date = Date()
    end_date = Date()
    total_cents = BigInt()
    status = Varchar(length=12, default="draft", index=True)
    plan_version = Integer(default=1)
    contract_document = UUID(null=True, default=None)
    signed_document = UUID(null=True, default=None)
    signed_sha256 = Varchar(length=64, default="")
    signed_name = Varchar(length=200, default="")  # the partner's name at signing, as published
    sent_at = Timestamptz(null=True, default=None)
    signed_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    terminated_at = Timestamptz(null=True, default=None)
    termination_reason = Text(default="")
    created_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz(auto_update=Timestamptz.value_type.now)


class Milestone(Table, tablename="milestones"):
    id = UUID(primary_key=True)
    partnership = ForeignKey(references=Partnership, on_delete=OnDelete.cascade, index=True)
    position = Integer()
    title = Varchar(length=200)
    deliverables = Text(default="")
    due_date = Date(index=True)
    amount_cents = BigInt()
    status = Varchar(length=20, default="planned", index=True)
    kind = Varchar(length=20, default="regular")  # regular | open_source_bonus
    # the bonus's verification by staff: {licence, osi_approved, matches_offer, by, at}
    verification = JSONB(default={})
    evidence_round = Integer(default=0)  # 1 with the first evidence, +1 with every resubmission
    paid_cents = BigInt(default=0)
    submitted_at = Timestamptz(null=True, default=None)
    approved_at = Timestamptz(null=True, default=None)
    paid_at = Timestamptz(null=True, default=None)


class Evidence(Table, tablename="milestone_evidence"):
    id = UUID(primary_key=True)
    milestone = ForeignKey(references=Milestone, on_delete=OnDelete.cascade, index=True)
    round = Integer()
    document = UUID(null=True, default=None)
    note = Text(default="")
    # the open-source bonus's evidence: the public repository, a release tag or commit, the licence
    repository_url = Varchar(length=500, default="")
    ref = Varchar(length=200, default="")
    licence = Varchar(length=100, default="")
    submitted_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()


class MilestoneReview(Table, tablename="milestone_reviews"):
    id = UUID(primary_key=True)
    milestone = ForeignKey(references=Milestone, on_delete=OnDelete.cascade, index=True)
    round = Integer()
    reviewer = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    decision = Varchar(length=20)  # approve | request_changes
    comment = Text(default="")
    created_at = Timestamptz()


class Payment(Table, tablename="payments"):
    id = UUID(primary_key=True)
    milestone = ForeignKey(references=Milestone, on_delete=OnDelete.restrict, index=True)
    partnership = ForeignKey(references=Partnership, on_delete=OnDelete.restrict, index=True)
    amount_cents = BigInt()
    paid_on = Date()
    reference = Varchar(length=100, default="")
    recorded_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    created_at = Timestamptz()


class Amendment(Table, tablename="amendments"):
    id = UUID(primary_key=True)
    partnership = ForeignKey(references=Partnership, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    rationale = Text()
    changes = JSONB(default={})
    plan_before = JSONB(default={})
    plan_after = JSONB(default={})
    document = UUID(null=True, default=None)
    created_by = ForeignKey(references=User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()


class Reminder(Table, tablename="milestone_reminders"):
    """One row per milestone and kind: the unique index makes each reminder go out once."""

    id = UUID(primary_key=True)
    milestone = ForeignKey(references=Milestone, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)  # due_in_14 | due_today | overdue_7
    sent_at = Timestamptz()


class SupplierName(Table, tablename="partnership_supplier_names"):
    """The partner's name after a change once the contract was signed: each row is a new OCDS
    release, so the releases already published never change. Unique (partnership, number)."""

    id = UUID(primary_key=True)
    partnership = ForeignKey(references=Partnership, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    name = Varchar(length=200)
    changed_at = Timestamptz()
