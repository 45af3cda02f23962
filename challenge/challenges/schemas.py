"""JSON shapes of units and challenges (API.md, Challenges)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from challenge.calls.schemas import FaqItem, Question

Text = Annotated[str, msgspec.Meta(max_length=20_000)]
Line = Annotated[str, msgspec.Meta(max_length=200)]


class UnitIn(msgspec.Struct, kw_only=True):
    name: Line
    kind: Literal["city_office", "municipal_company", "other"] = "city_office"


class UnitOut(msgspec.Struct):
    id: UUID
    name: str
    kind: str
    members: int = 0


class MemberIn(msgspec.Struct, kw_only=True):
    email: Annotated[str, msgspec.Meta(max_length=320)]
    name: Line


class Dataset(msgspec.Struct, kw_only=True):
    title: Line
    url: Annotated[str, msgspec.Meta(max_length=500)]


class Offer(msgspec.Struct, kw_only=True):
    datasets: list[Dataset] = msgspec.field(default_factory=list)
    infrastructure: Text = ""
    staff_access: Text = ""


class ChallengeIn(msgspec.Struct, kw_only=True):
    unit_id: UUID
    title: Line
    problem: Text = ""
    affected: Text = ""
    outcome: Text = ""
    contact_name: Line = ""
    mentor_name: Line = ""
    offer: Offer = msgspec.field(default_factory=Offer)
    constraints: Text = ""
    pilot_budget_cents: int = 2_500_000
    pilot_months: int = 6
    places: int = 3
    stipend_cents: int = 200_000
    questions: list[Question] = msgspec.field(default_factory=list)  # asked after the call's
    faq: list[FaqItem] = msgspec.field(default_factory=list)  # on the challenge's public page


class ChallengePatch(msgspec.Struct, kw_only=True):
    title: Line | msgspec.UnsetType = msgspec.UNSET
    problem: Text | msgspec.UnsetType = msgspec.UNSET
    affected: Text | msgspec.UnsetType = msgspec.UNSET
    outcome: Text | msgspec.UnsetType = msgspec.UNSET
    contact_name: Line | msgspec.UnsetType = msgspec.UNSET
    mentor_name: Line | msgspec.UnsetType = msgspec.UNSET
    offer: Offer | msgspec.UnsetType = msgspec.UNSET
    constraints: Text | msgspec.UnsetType = msgspec.UNSET
    pilot_budget_cents: int | msgspec.UnsetType = msgspec.UNSET
    pilot_months: int | msgspec.UnsetType = msgspec.UNSET
    places: int | msgspec.UnsetType = msgspec.UNSET
    stipend_cents: int | msgspec.UnsetType = msgspec.UNSET
    questions: list[Question] | msgspec.UnsetType = msgspec.UNSET
    faq: list[FaqItem] | msgspec.UnsetType = msgspec.UNSET


class ReviewIn(msgspec.Struct, kw_only=True):
    decision: Literal["approve", "request_changes", "decline", "comment"]
    comment: Text = ""


class AttachIn(msgspec.Struct, kw_only=True):
    challenge_id: UUID
    key: Annotated[str, msgspec.Meta(max_length=40)]
    position: int | None = None


class ChallengeOut(msgspec.Struct):
    id: UUID
    key: str | None
    status: str
    unit_id: UUID
    unit: str
    title: str
    problem: str
    affected: str
    outcome: str
    contact_name: str
    mentor_name: str
    offer: Offer
    constraints: str
    pilot_budget_cents: int
    pilot_months: int
    places: int
    stipend_cents: int
    call: str | None = None
    position: int = 0
    questions: list[Question] = msgspec.field(default_factory=list)
    faq: list[FaqItem] = msgspec.field(default_factory=list)


class EventOut(msgspec.Struct):
    action: str
    comment: str
    actor: str
    created_at: datetime


class MoveIn(msgspec.Struct, kw_only=True):
    position: Annotated[int, msgspec.Meta(ge=0, le=1000)]


class WithdrawIn(msgspec.Struct, kw_only=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
