"""JSON shapes of calls (API.md, bodies)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from challenge.platform.security.limits import Comment, LongText, Name, Reason


class Question(msgspec.Struct, omit_defaults=True):
    key: str
    label: Reason
    type: Literal["text", "long_text", "choice", "number", "url", "file"]
    required: bool = False
    choices: list[Name] | None = None
    max_length: int | None = None
    help: Reason | None = None


class Criterion(msgspec.Struct, omit_defaults=True):
    key: str
    name: Name
    weight: float
    scale_min: int
    scale_max: int
    description: Reason | None = None


class DocumentRules(msgspec.Struct):
    max_files: int = 5
    max_bytes: int = 20 * 1024 * 1024
    allowed_types: list[str] = msgspec.field(default_factory=lambda: ["application/pdf"])


class FaqItem(msgspec.Struct):
    question: Reason
    answer: Comment


class CallIn(msgspec.Struct, kw_only=True):
    """A call as staff send it (API.md, Call)."""

    slug: str
    title: str
    summary: str = ""
    description: LongText = ""
    eligibility: LongText = ""
    categories: list[str] = msgspec.field(default_factory=list)
    questions: list[Question] = msgspec.field(default_factory=list)
    criteria: list[Criterion] = msgspec.field(default_factory=list)
    document_rules: DocumentRules = msgspec.field(default_factory=DocumentRules)
    faq: list[FaqItem] = msgspec.field(default_factory=list)
    opens_at: datetime
    closes_at: datetime
    jury_starts_at: datetime | None = None
    jury_ends_at: datetime | None = None
    results_at: datetime | None = None
    budget_cents: int = 0
    max_award_cents: int | None = None
    awards_planned: int | None = None
    blind_review: bool = False


class CallPatch(msgspec.Struct, kw_only=True):
    """Only the fields that change."""

    slug: str | msgspec.UnsetType = msgspec.UNSET
    title: str | msgspec.UnsetType = msgspec.UNSET
    summary: str | msgspec.UnsetType = msgspec.UNSET
    description: LongText | msgspec.UnsetType = msgspec.UNSET
    eligibility: LongText | msgspec.UnsetType = msgspec.UNSET
    categories: list[str] | msgspec.UnsetType = msgspec.UNSET
    questions: list[Question] | msgspec.UnsetType = msgspec.UNSET
    criteria: list[Criterion] | msgspec.UnsetType = msgspec.UNSET
    document_rules: DocumentRules | msgspec.UnsetType = msgspec.UNSET
    faq: list[FaqItem] | msgspec.UnsetType = msgspec.UNSET
    opens_at: datetime | msgspec.UnsetType = msgspec.UNSET
    closes_at: datetime | msgspec.UnsetType = msgspec.UNSET
    jury_starts_at: datetime | None | msgspec.UnsetType = msgspec.UNSET
    jury_ends_at: datetime | None | msgspec.UnsetType = msgspec.UNSET
    results_at: datetime | None | msgspec.UnsetType = msgspec.UNSET
    budget_cents: int | msgspec.UnsetType = msgspec.UNSET
    max_award_cents: int | None | msgspec.UnsetType = msgspec.UNSET
    awards_planned: int | None | msgspec.UnsetType = msgspec.UNSET
    blind_review: bool | msgspec.UnsetType = msgspec.UNSET


class CallOut(msgspec.Struct):
    id: UUID
    slug: str
    title: str
    summary: str
    description: str
    status: str
    phase: Literal["draft", "upcoming", "open", "closed"]
    categories: list[str]
    questions: list[Question]
    criteria: list[Criterion]
    document_rules: DocumentRules
    opens_at: datetime
    closes_at: datetime
    budget_cents: int
    max_award_cents: int | None
    awards_planned: int | None
    blind_review: bool
    eligibility: str = ""
    faq: list[FaqItem] = msgspec.field(default_factory=list)
    jury_starts_at: datetime | None = None
    jury_ends_at: datetime | None = None
    results_at: datetime | None = None


class CallPage(msgspec.Struct):
    items: list[CallOut]
    total: int
    page: int
    per_page: int
