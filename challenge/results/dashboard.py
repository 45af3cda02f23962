"""This stage's part of the person's start page (/dashboard; challenge.platform.dashboard): the
published results for the proposals of an applicant's teams."""

from __future__ import annotations

from challenge.organisations.tables import Membership
from challenge.platform.dashboard import is_applicant, item, panel
from challenge.platform.i18n import N_
from challenge.results.tables import Decision

LIMIT = 5


async def _published(user_id) -> list[dict]:
    """Decisions on the person's teams' entries whose call has published its results (LIMIT)."""
    teams = Membership.select(Membership.organisation).where(Membership.user == user_id)
    return (
        await Decision.select(
            Decision.outcome,
            Decision.submission.as_alias("submission"),
            Decision.submission.title.as_alias("title"),
            Decision.call.title.as_alias("call_title"),
        )
        .where(
            Decision.submission.organisation.is_in(teams)
            & Decision.call.results_published_at.is_not_null()
        )
        .order_by(Decision.call.results_published_at, ascending=False)
        .limit(LIMIT)
    )


async def panels(user, locale: str) -> list[dict]:
    """Results of published calls for the person's entries (teams only)."""
    if not is_applicant(user) or not user.sees("team"):
        return []
    rows = await _published(user.id)
    return [
        panel(
            "results",
            N_("Results"),
            audience=N_("Applicant"),
            order=20,
            items=[
                item(
                    row["title"],
                    f"/submissions/{row['submission']}",
                    meta=row["call_title"],
                    status=("decision", row["outcome"]),
                )
                for row in rows
            ],
            empty=N_("No results have been published for your proposals yet."),
        )
    ]
