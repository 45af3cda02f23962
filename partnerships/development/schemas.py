"""Request and response shapes of the development phase (shared/API.md, "Development phase and
pilots")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from challenge.platform.security.limits import LongText, Name, Place

# bounded so a number the database cannot hold is a 422, never a 500
Cents = Annotated[int, msgspec.Meta(ge=-(10**12), le=10**12)]
Small = Annotated[int, msgspec.Meta(ge=-(10**6), le=10**6)]
Url = Annotated[str, msgspec.Meta(max_length=500)]


class OfferMilestone(msgspec.Struct, kw_only=True):
    title: Name
    deliverables: LongText = ""
    month: Small
    amount_cents: Cents


class CostLine(msgspec.Struct, kw_only=True):
    category: Name
    description: LongText = ""
    amount_cents: Cents


class OpenSource(msgspec.Struct, kw_only=True):
    intent: bool = False
    licence: str | None = None
    repository_plan: LongText = ""
    ownership: LongText = ""


class OfferIn(msgspec.Struct, kw_only=True):
    scope: LongText = ""
    goals: LongText = ""
    indicators: LongText = ""
    months: Small = 6
    milestones: list[OfferMilestone] = msgspec.field(default_factory=list)
    costs: list[CostLine] = msgspec.field(default_factory=list)
    followup_cents_per_year: Cents = 0
    operation: LongText = ""
    personal_data: LongText = ""
    hosting: LongText = ""
    open_source: OpenSource = msgspec.field(default_factory=OpenSource)
    public_summary: LongText = ""
    consent_publication: bool = False
    version: Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)] = 0


class PitchIn(msgspec.Struct, kw_only=True):
    starts_at: datetime
    place: Place = ""
    video_url: Url = ""
    slot_minutes: Small = 20


class PilotIn(msgspec.Struct, kw_only=True):
    challenge: str
    submission_id: UUID | None = None  # None: no pilot for this challenge
    rationale: LongText = ""
