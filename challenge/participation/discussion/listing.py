"""Reading comments: a problem's threads page by page, as the reader may see them.

Threads are listed newest first, their replies oldest first beneath. A hidden comment keeps its
place: everyone reads the moderators' reason, only moderators its text. Authors appear by their
chosen name (``author_name``; None means the neutral word), never by e-mail or account id. A
comment whose author's data was erased is kept blank in its place (``removed``)."""

from __future__ import annotations

from uuid import UUID

from challenge.participation.policies import may_moderate
from challenge.participation.profiles import names_for
from challenge.participation.tables import ProblemComment
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.pagination import page_within

PAGE_SIZE = 20
COLUMNS = (
    ProblemComment.id,
    ProblemComment.parent,
    ProblemComment.author,
    ProblemComment.body,
    ProblemComment.body_html,
    ProblemComment.created_at,
    ProblemComment.report_count,
    ProblemComment.hidden_at,
    ProblemComment.hidden_reason,
)


def shown(row: dict, viewer: CurrentUser | None, names: dict) -> dict:
    """A comment as this reader sees it (the text only where they may read it)."""
    staff = may_moderate(viewer)
    hidden = row["hidden_at"] is not None
    readable = staff or not hidden
    # blanked when its author's data was erased (challenge.participation.privacy)
    removed = row["author"] is None and not row["body"]
    return {
        "id": row["id"],
        "parent_id": row["parent"],
        "author_name": names.get(row["author"]),
        "own": viewer is not None and row["author"] == viewer.id,
        "created_at": row["created_at"],
        "hidden": hidden,
        "removed": removed,
        "hidden_reason": row["hidden_reason"] if hidden else "",
        "body": row["body"] if readable else None,
        "body_html": row["body_html"] if readable else None,
        "reports": row["report_count"] if staff else None,
        "replies": [],
    }


def _roots(problem_id: UUID):
    return (ProblemComment.problem == problem_id) & ProblemComment.parent.is_null()


async def thread_page(viewer: CurrentUser | None, problem_id: UUID, page: int = 1) -> dict:
    """{items: threads with their replies, page, pages, total threads} for one page."""
    total = await ProblemComment.count().where(_roots(problem_id))
    page, pages = page_within(page, total, PAGE_SIZE)
    roots = (
        await ProblemComment.select(*COLUMNS)
        .where(_roots(problem_id))
        .order_by(ProblemComment.created_at, ProblemComment.id, ascending=False)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    replies = []
    if roots:
        replies = (
            await ProblemComment.select(*COLUMNS)
            .where(  # index problem_comments_replies (problem, parent, created_at)
                (ProblemComment.problem == problem_id)
                & ProblemComment.parent.is_in([row["id"] for row in roots])
            )
            .order_by(ProblemComment.created_at, ProblemComment.id)
        )
    names = await names_for(row["author"] for row in [*roots, *replies])
    items = [shown(row, viewer, names) for row in roots]
    by_id = {item["id"]: item for item in items}
    for row in replies:
        by_id[row["parent"]]["replies"].append(shown(row, viewer, names))
    return {"items": items, "page": page, "pages": pages, "total": total}


async def page_of(comment: dict) -> int:
    """The page of the problem's threads on which this comment (or its thread) is listed."""
    root = comment
    if comment["parent"]:
        root = (
            await ProblemComment.select(ProblemComment.created_at)
            .where(ProblemComment.id == comment["parent"])
            .first()
            or comment
        )
    newer = await ProblemComment.count().where(
        _roots(comment["problem"]) & (ProblemComment.created_at > root["created_at"])
    )
    return newer // PAGE_SIZE + 1
