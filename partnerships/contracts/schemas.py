"""What the contract API and the staff forms send and receive."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec

from challenge.platform.security.limits import Comment, Name
from partnerships.contracts.rules import overdue


class MilestoneIn(msgspec.Struct, kw_only=True):
    title: str
    deliverables: Comment = ""
    due_date: date
    amount_cents: int


class PlanIn(msgspec.Struct, kw_only=True):
    title: str
    scope: str = ""
    city_unit: Name = ""  # Partnership.city_unit is Varchar(200)
    start_date: date
    end_date: date
    total_cents: int
    milestones: list[MilestoneIn] = msgspec.field(default_factory=list)


class PartnershipIn(PlanIn, kw_only=True):
    submission_id: UUID


class MilestoneChange(msgspec.Struct, kw_only=True):
    id: UUID | None = None  # None: a new milestone
    title: str | None = None
    deliverables: str | None = None
    due_date: date | None = None
    amount_cents: int | None = None


class AmendmentIn(msgspec.Struct, kw_only=True):
    rationale: str
    start_date: date | None = None
    end_date: date | None = None
    total_cents: int | None = None
    milestones: list[MilestoneChange] = msgspec.field(default_factory=list)


class TerminateIn(msgspec.Struct):
    reason: str


class MilestoneOut(msgspec.Struct):
    id: UUID
    position: int
    title: str
    deliverables: str
    due_date: date
    amount_cents: int
    status: str
    overdue: bool
    paid_cents: int
    kind: str = "regular"  # regular | open_source_bonus


class PartnershipOut(msgspec.Struct):
    id: UUID
    ocid: str
    kind: str  # stipend | pilot | partnership
    status: str
    submission_id: UUID
    organisation_id: UUID
    title: str
    scope: str
    city_unit: str
    start_date: date
    end_date: date
    total_cents: int
    plan_version: int
    signed_sha256: str
    sent_at: datetime | None
    signed_at: datetime | None
    milestones: list[MilestoneOut]


def amendment_out(row: dict) -> dict:
    """An amendment as the API shows it."""
    return {
        "number": row["number"],
        "rationale": row["rationale"],
        "document_id": row["document"],
        "plan_before": row["plan_before"],
        "plan_after": row["plan_after"],
        "created_at": row["created_at"],
    }


def milestone_out(row: dict) -> MilestoneOut:
    """A milestone row as the API shows it (``overdue`` derived)."""
    return MilestoneOut(
        id=row["id"],
        position=row["position"],
        title=row["title"],
        deliverables=row["deliverables"],
        due_date=row["due_date"],
        amount_cents=row["amount_cents"],
        status=row["status"],
        overdue=overdue(row),
        paid_cents=row["paid_cents"],
        kind=row.get("kind", "regular"),
    )
