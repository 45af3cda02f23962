"""The discussion's entry points for controllers: writing and reading comments as the person
sees them (supports and moderation have their own modules, supports.py and moderation.py)."""

from __future__ import annotations

from uuid import UUID

from challenge.participation.discussion import access, listing
from challenge.participation.discussion import comments as writing
from challenge.participation.policies import may_see_problem
from challenge.participation.profiles import display_name, names_for
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.problems import not_found


async def write_comment(
    user: CurrentUser | None,
    problem_id: UUID,
    body: str,
    ip: str,
    parent_id: UUID | None = None,
    name: str | None = None,
) -> dict:
    """Write a comment and return it as its author sees it."""
    row = await writing.add(user, problem_id, body, ip, parent_id, name)
    chosen = await display_name(user.id)
    return listing.shown(row, user, {user.id: chosen} if chosen else {})


async def comments(viewer: CurrentUser | None, problem_id: UUID, page: int = 1) -> dict:
    """A page of the problem's threads (404 for a problem the person may not see)."""
    problem = await access.problem_row(problem_id)
    if problem is None or not may_see_problem(viewer, problem):
        raise not_found(access.NOT_FOUND)
    return await listing.thread_page(viewer, problem_id, page)


async def placed(problem_id: UUID, comment: dict) -> int:
    """The page of the problem's comments where this comment is shown."""
    return await listing.page_of({**comment, "problem": problem_id})


async def seen(viewer: CurrentUser | None, comment: dict) -> dict:
    """One comment as this person sees it (its text only where they may read it)."""
    names = await names_for([comment["author"]])
    return listing.shown(comment, viewer, names)
