"""Whether a call has entries: asked of the later stage that holds them (submissions, through
``Domain.call_has_entries``); calls never import submissions."""

from __future__ import annotations

from uuid import UUID

from challenge.platform.domains import each


async def has_entries(call_id: UUID) -> bool:
    """Whether any installed domain holds entries for the call (then the rubric stays)."""
    for _domain, asks in each("call_has_entries"):
        if await asks(call_id):
            return True
    return False


async def challenge_has_entries(challenge_id: UUID) -> bool:
    """Whether any installed domain holds a proposal (not withdrawn) to the challenge."""
    for _domain, asks in each("challenge_has_entries"):
        if await asks(challenge_id):
            return True
    return False


async def challenges_of(call_id: UUID) -> list[dict]:
    """The call's challenges, from the domain that holds them (empty for a plain call)."""
    for _domain, reads in each("call_challenges"):
        return await reads(call_id)
    return []
