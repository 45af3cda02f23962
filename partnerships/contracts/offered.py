"""What the contracts offer on earlier stages' pages (``Domain.entry_actions``)."""

from __future__ import annotations

from challenge.platform.i18n import N_
from partnerships.contracts import policies
from partnerships.tables import Partnership


async def start_links(user, submission_ids) -> dict:
    """``Domain.entry_actions``: "Start the partnership" for the awarded entries on the ranking
    page that have none yet — the rule of
    :func:`partnerships.contracts.services.may_start`, in one query for the page."""
    if not policies.may_manage(user) or not submission_ids:
        return {}
    taken = {
        row["submission"]
        for row in await Partnership.select(Partnership.submission).where(
            Partnership.submission.is_in(list(submission_ids)) & (Partnership.kind == "partnership")
        )
    }
    return {
        entry: [(f"/staff/partnerships/new?submission={entry}", N_("Start the partnership"))]
        for entry in submission_ids
        if entry not in taken
    }
