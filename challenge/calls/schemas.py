"""JSON shapes of calls (API.md, bodies)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec


class Question(msgspec.Struct, omit_defaults=True):
    key: str
    label: str
    type: Literal["text", "long_text", "choice", "number", "url", "file"]
    required: bool = False
    choices: list[str] | None = None
    max_length: int | None = None
    help: str | None = None


class Criterion(msgspec.Struct, omit_defaults=True):
    key: str
    name: str
    weight: float
    scale_min: int
    scale_max: int
    description: str | None = None


class DocumentRules(msgspec.Struct):
    max_files: int = 5
    max_bytes: int = 20 * 1024 * 1024
    allowed_types: list[str] = msgspec.field(default_factory=lambda: ["application/pdf"])


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


class CallPage(msgspec.Struct):
    items: list[CallOut]
    total: int
    page: int
    per_page: int
