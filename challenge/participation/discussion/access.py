"""Which problems and comments the discussion may touch, for whom.

Only a published problem takes supports, comments and reports. A problem the person may not
see at all (pending or declined, and not theirs) answers 404; one they may see but that is not
published (their own pending or declined problem, any merged one, or any for staff) answers
409 ``problem_not_published``. A comment is reached through its problem with the same rules."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.participation.policies import may_see_problem
from challenge.participation.tables import ProblemComment, ResidentProblem
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem, not_found

NOT_FOUND = N_("This problem does not exist or is not public.")
COMMENT_NOT_FOUND = N_("This comment does not exist or is not public.")


def not_published() -> Problem:
    return Problem(
        409,
        "problem_not_published",
        N_("Only published problems can be supported and discussed."),
    )


async def problem_row(problem_id: UUID) -> dict | None:
    """id, status, author, title, the two counts and published_at of a problem (one raw
    query)."""
    rows = await ResidentProblem.raw(
        "SELECT id, status, author, title, support_count, comment_count, published_at"
        " FROM problems"
        " WHERE id = {}",
        problem_id,
    )
    if not rows:
        return None
    row = rows[0]
    row["id"] = db.as_uuid(row["id"])
    row["author"] = db.as_uuid(row["author"]) if row["author"] else None
    return row


def check_open(user: CurrentUser | None, problem: dict | None) -> dict:
    """The problem if the discussion is open to this person; else 404 or 409 as above."""
    if problem is None or not may_see_problem(user, problem):
        raise not_found(NOT_FOUND)
    if problem["status"] != "published":
        raise not_published()
    return problem


async def open_problem(user: CurrentUser | None, problem_id: UUID) -> dict:
    """The problem, read now, if its discussion is open to this person (404/409 otherwise)."""
    return check_open(user, await problem_row(problem_id))


async def locked_open_problem(user: CurrentUser | None, problem_id: UUID) -> dict:
    """Inside a write transaction: lock the problem's row, then check as open_problem does. A
    merge or take-down locks the same row, so a support or comment either lands before it (and
    moves with the merge) or sees the new state and is refused (409)."""
    await db.lock_row(ResidentProblem, problem_id)
    return await open_problem(user, problem_id)


async def comment_row(comment_id: UUID) -> dict | None:
    """A comment with its problem's id (None if there is none)."""
    return (
        await ProblemComment.select(
            ProblemComment.id,
            ProblemComment.problem,
            ProblemComment.parent,
            ProblemComment.author,
            ProblemComment.body,
            ProblemComment.body_html,
            ProblemComment.report_count,
            ProblemComment.hidden_at,
            ProblemComment.hidden_reason,
            ProblemComment.created_at,
        )
        .where(ProblemComment.id == comment_id)
        .first()
    )


async def open_comment(user: CurrentUser | None, comment_id: UUID) -> tuple[dict, dict]:
    """(comment, problem) if the comment's problem is open to this person; 404 if the person
    may not see the problem or no such comment exists, 409 if it is not published."""
    comment = await comment_row(comment_id)
    if comment is None:
        raise not_found(COMMENT_NOT_FOUND)
    problem = await problem_row(comment["problem"])
    if problem is None or not may_see_problem(user, problem):
        raise not_found(COMMENT_NOT_FOUND)
    return comment, check_open(user, problem)
