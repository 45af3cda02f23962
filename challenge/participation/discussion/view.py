"""The discussion's section of a problem's page (templates/participation/_discussion.html)."""

from __future__ import annotations

from urllib.parse import quote

from challenge.participation import profiles
from challenge.participation.discussion import listing, supports
from challenge.participation.discussion.comments import BODY_MAX
from challenge.participation.discussion.moderation import REASON_MAX
from challenge.participation.policies import may_moderate, may_see_problem, may_take_part

# ?diskussion= after a form on the section was sent: the notice shown above it
NOTICES = ("unterstuetzt", "zurueckgezogen", "kommentiert", "gemeldet")


async def problem_section(user, problem: dict, page: int = 1) -> dict:
    """Context for the section: supports, the person's own support, comments (paged)."""
    problem_id = problem["id"]
    base = f"/mitmachen/{problem_id}"
    is_open = problem.get("status") == "published"
    visible = may_see_problem(user, problem)
    threads = (
        await listing.thread_page(user, problem_id, page)
        if visible
        else {"items": [], "page": 1, "pages": 1, "total": 0}
    )
    return {
        "base": base,
        "open": is_open,
        "supports": problem.get("support_count", problem.get("supports", 0)),
        "comment_count": problem.get("comment_count", 0),
        "supported": await supports.supports_of(user, problem_id),
        "signed_in": user is not None,
        "may_take_part": is_open and may_take_part(user),
        "may_moderate": may_moderate(user),
        "display_name": await profiles.display_name(user.id) if user is not None else None,
        "login_url": "/login?next=" + quote(base, safe="/"),
        "comments": threads,
        "body_max": BODY_MAX,
        "reason_max": REASON_MAX,
        "notices": NOTICES,
    }
