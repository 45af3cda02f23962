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


async def links_for_each(user, submissions: list[dict]) -> dict:
    """:func:`links_for` for every row of a list, as {submission id: [(href, label msgid)]}: a
    domain with ``submissions_links`` answers for all rows at once, the others once per row."""
    links: dict = {row["id"]: [] for row in submissions}
    if not links:
        return links
    for domain, provider in each("submission_links"):
        if domain.submissions_links:
            found = await domain.submissions_links(user, submissions)
        else:
            found = {row["id"]: await provider(user, row) for row in submissions}
        for submission_id, offered in links.items():
            offered += found.get(submission_id, [])
    return links
