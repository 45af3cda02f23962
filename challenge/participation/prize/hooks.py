"""The people's prize on a proposal's page (``Domain.submission_notices``): a team whose proposal
is a candidate is asked to read its public title and summary and to consent or decline; once it
answered, a link to the answer remains until the voting closes."""

from __future__ import annotations

from challenge.organisations.policies import is_member
from challenge.participation.prize.service import state_of
from challenge.participation.tables import PrizeCandidate
from challenge.platform.i18n import N_


def consent_path(submission_id) -> str:
    """The team's consent page of a candidate."""
    return f"/submissions/{submission_id}/people-prize"


async def submission_notices(user, submission: dict) -> list[dict]:
    """For the team's members: the candidacy's question, or the way to its answer."""
    row = (
        await PrizeCandidate.select(
            PrizeCandidate.consented_at,
            PrizeCandidate.declined_at,
            PrizeCandidate.voting.opens_at.as_alias("opens_at"),
            PrizeCandidate.voting.closes_at.as_alias("closes_at"),
        )
        .where(PrizeCandidate.submission == submission["id"])
        .first()
    )
    if row is None or state_of(row) == "closed" or user is None:
        return []
    if not await is_member(user, submission["organisation"]):
        return []
    href = consent_path(submission["id"])
    if row["consented_at"] is None and row["declined_at"] is None:
        return [
            {
                "kind": "alert",
                "tone": "warning",
                "title": N_("Your proposal is a candidate for the people's prize"),
                "body_html": None,
                "due": row["opens_at"],
                "overdue": False,
                "href": href,
                "link": N_("Read the public text and decide"),
            }
        ]
    label = (
        N_("People's prize: you agreed to be shown")
        if row["consented_at"]
        else N_("People's prize: you declined to be shown")
    )
    return [{"kind": "link", "href": href, "label": label, "count": 0}]
