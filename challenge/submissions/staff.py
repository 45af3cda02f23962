"""Staff views of submissions: filtered, searched, sorted lists."""

from __future__ import annotations

from challenge import db
from challenge.submissions.tables import Submission

SORTS = {
    "reference": (Submission.reference, True),
    "title": (Submission.title, True),
    "submitted": (Submission.submitted_at, False),
    "team": (Submission.organisation.name, True),
}


async def list_submissions(
    call: dict,
    *,
    q: str = "",
    status: str = "",
    category: str = "",
    kind: str = "",
    challenge: str = "",
    sort: str = "reference",
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[dict], int]:
    """Non-draft proposals of a call (drafts belong to their teams until submitted)."""
    where = (Submission.call == call["id"]) & (Submission.status != "draft")
    if status in ("submitted", "withdrawn"):
        where &= Submission.status == status
    if category:
        where &= Submission.category == category
    if kind:
        where &= Submission.organisation.kind == kind
    if challenge:
        where &= Submission.challenge.key == challenge
    if q.strip():
        where &= db.contains_text(Submission.title, q.strip()) | db.contains_text(
            Submission.summary, q.strip()
        )
    column, ascending = SORTS.get(sort, SORTS["reference"])
    rows = (
        await Submission.select(
            Submission.id,
            Submission.reference,
            Submission.title,
            Submission.category,
            Submission.status,
            Submission.submitted_at,
            Submission.organisation.name.as_alias("organisation"),
            Submission.organisation.kind.as_alias("kind"),
            Submission.challenge.key.as_alias("challenge_key"),
            Submission.challenge.title.as_alias("challenge_title"),
        )
        .where(where)
        .order_by(column, ascending=ascending)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return rows, await Submission.count().where(where)
