"""The moderators' list of comments (/staff/participation/comments): comments with open reports
first (most reports first), then all others newest first, hidden ones included, with the
reasons people gave and the problem each belongs to."""

from __future__ import annotations

from collections import defaultdict

from piccolo.query import OrderByRaw

from challenge.participation.profiles import names_for
from challenge.participation.tables import CommentReport, ProblemComment
from challenge.platform.pagination import page_within

PAGE_SIZE = 20
# reported and still shown: the ones waiting for a moderator
_IS_WAITING = "problem_comments.hidden_at IS NULL AND problem_comments.report_count > 0"
WAITING = f"CASE WHEN {_IS_WAITING} THEN 0 ELSE 1 END"
# among the waiting ones the most reported first; the others by date alone
REPORTS = f"CASE WHEN {_IS_WAITING} THEN problem_comments.report_count ELSE 0 END"


async def waiting() -> int:
    """How many reported comments are still shown (for the moderators' overview)."""
    return await ProblemComment.count().where(
        ProblemComment.hidden_at.is_null() & (ProblemComment.report_count > 0)
    )


async def _reasons(ids: list) -> dict:
    found: dict = defaultdict(list)
    if not ids:
        return found
    rows = (
        await CommentReport.select(CommentReport.comment, CommentReport.reason)
        .where(CommentReport.comment.is_in(ids) & (CommentReport.reason != ""))
        .order_by(CommentReport.created_at)
    )
    for row in rows:
        found[row["comment"]].append(row["reason"])
    return found


async def comments_page(page: int = 1) -> dict:
    """{items, page, pages, total, waiting} for the moderators' list."""
    total = await ProblemComment.count()
    page, pages = page_within(page, total, PAGE_SIZE)
    rows = (
        await ProblemComment.select(
            ProblemComment.id,
            ProblemComment.problem,
            ProblemComment.problem.title.as_alias("problem_title"),
            ProblemComment.problem.status.as_alias("problem_status"),
            ProblemComment.parent,
            ProblemComment.author,
            ProblemComment.body_html,
            ProblemComment.created_at,
            ProblemComment.report_count,
            ProblemComment.hidden_at,
            ProblemComment.hidden_reason,
        )
        .order_by(OrderByRaw(WAITING))
        .order_by(OrderByRaw(REPORTS), ascending=False)
        .order_by(ProblemComment.created_at, ascending=False)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    reasons = await _reasons([row["id"] for row in rows])
    names = await names_for(row["author"] for row in rows)
    for row in rows:
        row["reasons"] = reasons.get(row["id"], [])
        row["author_name"] = names.get(row["author"])
    return {
        "items": rows,
        "page": page,
        "pages": pages,
        "total": total,
        "waiting": await waiting(),
    }
