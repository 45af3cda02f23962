"""Calls for proposals (DESIGN §4, Call)."""

from piccolo.columns import (
    JSONB,
    UUID,
    BigInt,
    Boolean,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

CALL_STATES = ("draft", "published", "judging", "decided", "results_published", "archived")


class Call(Table, tablename="calls"):
    id = UUID(primary_key=True)
    slug = Varchar(length=80, unique=True, index=True)
    title = Varchar(length=200)
    summary = Text(default="")
    description = Text(default="")
    eligibility = Text(default="")
    status = Varchar(length=20, default="draft", index=True)
    categories = JSONB(default=[])
    questions = JSONB(default=[])
    criteria = JSONB(default=[])
    document_rules = JSONB(default={})
    faq = JSONB(default=[])
    opens_at = Timestamptz(index=True)
    closes_at = Timestamptz(index=True)
    jury_starts_at = Timestamptz(null=True, default=None)
    jury_ends_at = Timestamptz(null=True, default=None)
    results_at = Timestamptz(null=True, default=None)
    budget_cents = BigInt(default=0)
    max_award_cents = BigInt(null=True, default=None)
    awards_planned = Integer(null=True, default=None)
    blind_review = Boolean(default=False)
    published_at = Timestamptz(null=True, default=None)
    results_published_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz(auto_update=Timestamptz.value_type.now)
