"""Demo data of partnerships: the development phase and its pilots (issue 18). Last year's call
is complete through its pilots — stipends paid, offers, a pitch, an open-source pilot with one
milestone paid, one submitted and waiting for review, one overdue, one still ahead and its bonus
paid, and a challenge without a pilot; this year's spring call is in the development phase with
stipends paid, offers in draft and the pitch day scheduled (idempotent)."""

from __future__ import annotations

from partnerships.development.demo.now import load_now
from partnerships.development.demo.past import load_past


async def load_demo_partnership(settings) -> int:
    """Add what is missing; returns how many parts were added."""
    added = await load_past(settings)
    added += await load_now(settings, settings.base_url)
    return added
