"""Dates later stages add to a call's page (the jury: pitches of later rounds), through
``Domain.call_events``; calls never import the jury."""

from __future__ import annotations

from uuid import UUID

from challenge.platform.domains import each


async def public_events(call_id: UUID) -> list[dict]:
    """The events every installed domain names for this call, in stage order."""
    events: list[dict] = []
    for _domain, provider in each("call_events"):
        events += await provider(call_id)
    return events
