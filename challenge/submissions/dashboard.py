"""This stage's part of the person's start page (/dashboard; challenge.platform.dashboard): an
applicant's drafts with the time left until their call's deadline, and the proposals submitted.

Requests to answer (information requests from staff) are the messages domain's panel
(challenge.messages.dashboard)."""

from __future__ import annotations

from uuid import UUID

from piccolo.query.functions.aggregate import Count

from challenge.organisations.tables import Membership
from challenge.platform import clock
from challenge.platform.dashboard import count, due_text, is_applicant, item, panel
from challenge.platform.i18n import N_, gettext
from challenge.submissions.tables import DeadlineExtension, Submission

LIMIT = 5


async def team_ids(user_id: UUID) -> list[UUID]:
    """The teams the person belongs to."""
    rows = await Membership.select(Membership.organisation).where(Membership.user == user_id)
    return [row["organisation"] for row in rows]


async def _drafts(teams: list[UUID], now, granted: dict) -> list[dict]:
    """The teams' drafts with time left — the call's deadline ahead, or a deadline granted to the
    team ahead — the soonest first (LIMIT): expired drafts never push out those still open."""
    extended = [call for (call, _team), closes in granted.items() if closes > now]
    time_left = Submission.call.closes_at > now
    if extended:
        time_left = time_left | Submission.call.is_in(extended)
    return (
        await Submission.select(
            Submission.id,
            Submission.title,
            Submission.organisation,
            Submission.call,
            Submission.call.title.as_alias("call_title"),
            Submission.call.closes_at.as_alias("closes_at"),
        )
        .where(
            Submission.organisation.is_in(teams)
            & (Submission.status == "draft")
            & (Submission.call.status == "published")
            & time_left
        )
        .order_by(Submission.call.closes_at)
        .limit(LIMIT)
    )


async def _extensions(teams: list[UUID]) -> dict:
    """{(call, team): the latest deadline granted to the team} for the teams (one query)."""
    rows = await DeadlineExtension.select(
        DeadlineExtension.call, DeadlineExtension.organisation, DeadlineExtension.closes_at
    ).where(DeadlineExtension.organisation.is_in(teams))
    granted: dict = {}
    for row in rows:
        key = (row["call"], row["organisation"])
        granted[key] = max(granted.get(key, row["closes_at"]), row["closes_at"])
    return granted


async def _counts(teams: list[UUID]) -> dict[str, int]:
    """{status: proposals} of the teams, counted in SQL."""
    rows = (
        await Submission.select(Submission.status, Count())
        .where(Submission.organisation.is_in(teams))
        .group_by(Submission.status)
    )
    return {row["status"]: row["count"] for row in rows}


def _draft_item(row: dict, granted: dict, locale: str, now) -> dict:
    deadline = max(
        row["closes_at"], granted.get((row["call"], row["organisation"]), row["closes_at"])
    )
    when = due_text(deadline, locale, now)
    return item(
        row["title"] or gettext("New proposal", locale),
        f"/submissions/{row['id']}",
        meta=f"{row['call_title']} · {when}",
        status=("proposal", "draft"),
        due=deadline,
    )


async def panels(user, locale: str) -> list[dict]:
    """An applicant's proposals: drafts with the time left, figures per status."""
    if not is_applicant(user):
        return []
    teams = await team_ids(user.id)
    drafts, granted, figures = [], {}, {}
    now = clock.now()
    if teams:
        granted = await _extensions(teams)
        drafts = await _drafts(teams, now, granted)
        figures = await _counts(teams)
    proposals = panel(
        "proposals",
        N_("Your proposals"),
        audience=N_("Applicant"),
        order=10,
        items=[_draft_item(row, granted, locale, now) for row in drafts],
        counts=[
            count(N_("Drafts"), figures.get("draft", 0), "/me/submissions"),
            count(N_("Submitted"), figures.get("submitted", 0), "/me/submissions"),
        ],
        empty=N_("No drafts waiting. Open a call and choose “Apply” to start a proposal."),
        more=("/me/submissions", N_("All your proposals")),
    )
    return [proposals]
