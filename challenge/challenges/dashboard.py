"""This stage's part of the person's start page (/dashboard; challenge.platform.dashboard): a
unit member's challenge drafts and their status; for staff, the challenges waiting for review."""

from __future__ import annotations

from piccolo.query.functions.aggregate import Count

from challenge.challenges.tables import Challenge, UnitMember
from challenge.platform.accounts.policies import is_staff
from challenge.platform.dashboard import count, item, panel
from challenge.platform.i18n import N_

LIMIT = 6
# A unit's challenges still in its hands or with the Referat (not yet approved or closed).
IN_PROGRESS = ("draft", "proposed", "changes_requested")


async def unit_panel(user) -> dict:
    """The unit's challenges in progress (changes requested first), with figures per status."""
    units = UnitMember.select(UnitMember.unit).where(UnitMember.user == user.id)
    rows = (
        await Challenge.select(
            Challenge.id, Challenge.title, Challenge.status, Challenge.unit.name.as_alias("unit")
        )
        .where(Challenge.unit.is_in(units) & Challenge.status.is_in(IN_PROGRESS))
        .order_by(Challenge.updated_at, ascending=False)
        .limit(LIMIT)
    )
    rows.sort(key=lambda r: r["status"] != "changes_requested")  # what waits for the unit first
    figures = {
        row["status"]: row["count"]
        for row in await Challenge.select(Challenge.status, Count())
        .where(Challenge.unit.is_in(units))
        .group_by(Challenge.status)
    }
    return panel(
        "unit",
        N_("Your challenges"),
        audience=N_("City unit"),
        order=8,
        items=[
            item(
                row["title"],
                f"/unit/challenges/{row['id']}",
                meta=row["unit"],
                status=("challenge", row["status"]),
            )
            for row in rows
        ],
        counts=[
            count(N_("Drafts"), figures.get("draft", 0), "/unit/challenges"),
            count(N_("Waiting for review"), figures.get("proposed", 0), "/unit/challenges"),
            count(N_("Changes requested"), figures.get("changes_requested", 0), "/unit/challenges"),
            count(N_("Approved for a call"), figures.get("approved", 0), "/unit/challenges"),
        ],
        empty=N_("No challenge drafts. Start one to pose your unit's problem."),
        more=("/unit/challenges/new", N_("Write a new challenge")),
    )


async def staff_panel() -> dict:
    """Challenges the units handed in that wait for the Referat's review (oldest first)."""
    rows = (
        await Challenge.select(Challenge.id, Challenge.title, Challenge.unit.name.as_alias("unit"))
        .where(Challenge.status == "proposed")
        .order_by(Challenge.updated_at)
        .limit(LIMIT)
    )
    waiting = await Challenge.count().where(Challenge.status == "proposed")
    return panel(
        "challenge-review",
        N_("Challenges to review"),
        audience=N_("City staff"),
        order=31,
        items=[
            item(
                row["title"],
                f"/staff/challenges/{row['id']}",
                meta=row["unit"],
                status=("challenge", "proposed"),
            )
            for row in rows
        ],
        counts=[count(N_("Waiting for review"), waiting, "/staff/challenges")],
        empty=N_("No challenge waits for review."),
        more=("/staff/challenges", N_("All challenges")),
    )


async def panels(user, locale: str) -> list[dict]:
    """The unit's panel (unit members) and the review queue (staff)."""
    found = []
    if user.sees("unit"):
        found.append(await unit_panel(user))
    if is_staff(user):
        found.append(await staff_panel())
    return found
