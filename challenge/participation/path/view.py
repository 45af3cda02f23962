"""A problem's path: challenge, call, proposals, selected teams, pilot, milestones met."""

from __future__ import annotations


async def problem_path(problem: dict) -> list[dict]:
    """The path's steps, oldest first (empty while the problem is not linked to a challenge)."""
    return []
