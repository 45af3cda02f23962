"""JSON API of the funding overview (staff and finance)."""

from __future__ import annotations

from litestar import get

from challenge.platform.accounts.guards import role_required
from partnerships.opendata import overview

staff_or_finance = role_required("staff", "admin", "finance")


@get(
    "/api/v1/funding",
    tags=["partnerships"],
    guards=[staff_or_finance],
    summary="Funding per call and year",
)
async def funding() -> dict:
    """Committed, approved and disbursed per call and year; payment latency in days."""
    return await overview.funding()
