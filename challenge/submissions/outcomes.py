"""What the team sees of its proposal's outcome: a later stage (results) provides it through
``Domain.submission_outcome``; submissions never import results."""

from __future__ import annotations

from uuid import UUID

from challenge.platform.domains import each


async def outcome_for(call: dict, submission_id: UUID) -> dict | None:
    """The outcome shown on the team's proposal page, or None while there is none."""
    for _domain, provider in each("submission_outcome"):
        outcome = await provider(call, submission_id)
        if outcome is not None:
            return outcome
    return None


async def links_for(user, submission: dict) -> list[tuple[str, str]]:
    """Next steps later stages offer the team on its proposal page: (href, label msgid)."""
    links: list[tuple[str, str]] = []
    for _domain, provider in each("submission_links"):
        links += await provider(user, submission)
    return links
