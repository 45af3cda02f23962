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
