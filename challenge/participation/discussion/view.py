"""The discussion's section of a problem's page (templates/participation/_discussion.html)."""

from __future__ import annotations


async def problem_section(user, problem: dict, page: int = 1) -> dict:
    """Context for the section: supports, the person's own support, comments (paged)."""
    return {}
