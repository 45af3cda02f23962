"""This stage's part of the person's start page (/dashboard; challenge.platform.dashboard): a
partner's next milestones and contracts to sign, a selected team's development workspace, staff's
milestones to review and overdue work, finance's approved milestones and stipends to pay. Also
the navigation area ``partner`` for members of a team with a contract sent to it."""

from __future__ import annotations

from uuid import UUID

from piccolo.query.functions.aggregate import Count

from challenge.organisations.tables import Membership
from challenge.platform.accounts.policies import is_finance, is_staff
from challenge.platform.dashboard import count, item, panel
from challenge.platform.i18n import N_, format_date, format_money, gettext
from challenge.results.tables import Decision
from partnerships.contracts.rules import today
from partnerships.milestones.policies import WAITING_FOR_EVIDENCE
from partnerships.tables import Milestone, Partnership

LIMIT = 5
# A contract the partner sees: sent to them or beyond (drafts stay with staff).
SHOWN = ("sent", "signed", "active", "completed", "terminated")
RUNNING = ("sent", "signed", "active")


def _teams(user_id: UUID):
    return Membership.select(Membership.organisation).where(Membership.user == user_id)


def _milestone_meta(row: dict, locale: str) -> str:
    due = gettext("Due %(date)s", locale, date=format_date(row["due_date"], locale))
    return f"{row['partnership_title']} · {due} · {format_money(row['amount_cents'], locale)}"


async def partner_panel(user, locale: str) -> dict:
    """Contracts to sign, then the milestones waiting for evidence, the soonest first."""
    teams = _teams(user.id)
    to_sign = (
        await Partnership.select(Partnership.id, Partnership.title)
        .where(Partnership.organisation.is_in(teams) & (Partnership.status == "sent"))
        .limit(LIMIT)
    )
    due = (
        await Milestone.select(
            Milestone.id,
            Milestone.title,
            Milestone.due_date,
            Milestone.amount_cents,
            Milestone.status,
            Milestone.partnership.as_alias("partnership"),
            Milestone.partnership.title.as_alias("partnership_title"),
        )
        .where(
            Milestone.partnership.organisation.is_in(teams)
            & (Milestone.partnership.status == "active")
            & Milestone.status.is_in(WAITING_FOR_EVIDENCE)
        )
        .order_by(Milestone.due_date)
        .limit(LIMIT)
    )
    now = today()
    items = [
        item(
            row["title"],
            f"/partner/partnerships/{row['id']}",
            meta=gettext("Contract to sign", locale),
            status=("partnership", "sent"),
        )
        for row in to_sign
    ] + [
        item(
            row["title"],
            f"/partner/partnerships/{row['partnership']}",
            meta=_milestone_meta(row, locale),
            status=("milestone", "overdue" if row["due_date"] < now else row["status"]),
            due=row["due_date"],
        )
        for row in due
    ]
    return panel(
        "partner",
        N_("Your partnerships: what is due"),
        audience=N_("Partner"),
        order=12,
        items=items,
        empty=N_("Nothing is due: no milestone waits for your evidence."),
        more=("/partner", N_("My partnerships")),
    )


async def workspace_panel(user) -> dict | None:
    """Links to the development workspaces of the person's selected entries (results out)."""
    rows = (
        await Decision.select(
            Decision.submission.as_alias("submission"), Decision.submission.title.as_alias("title")
        )
        .where(
            Decision.submission.organisation.is_in(_teams(user.id))
            & (Decision.outcome == "development")
            & Decision.call.results_published_at.is_not_null()
        )
        .limit(LIMIT)
    )
    if not rows:
        return None
    return panel(
        "development",
        N_("Development phase"),
        audience=N_("Team member"),
        order=13,
        items=[item(row["title"], f"/development/{row['submission']}") for row in rows],
        empty=N_("None of your entries is in the development phase."),
    )


async def staff_panel(locale: str) -> dict:
    """Milestones whose evidence waits for review, and overdue milestones and contracts."""
    waiting = (
        await Milestone.select(
            Milestone.title,
            Milestone.due_date,
            Milestone.amount_cents,
            Milestone.partnership.as_alias("partnership"),
            Milestone.partnership.title.as_alias("partnership_title"),
        )
        .where(Milestone.status == "submitted")
        .order_by(Milestone.submitted_at)
        .limit(LIMIT)
    )
    now = today()
    figures = [
        count(
            N_("Milestones to review"),
            await Milestone.count().where(Milestone.status == "submitted"),
        ),
        count(
            N_("Overdue milestones"),
            await Milestone.count().where(
                (Milestone.partnership.status == "active")
                & Milestone.status.is_in(WAITING_FOR_EVIDENCE)
                & (Milestone.due_date < now)
            ),
        ),
        count(
            N_("Contracts past their end date"),
            await Partnership.count().where(
                Partnership.status.is_in(RUNNING) & (Partnership.end_date < now)
            ),
        ),
    ]
    return panel(
        "milestone-review",
        N_("Partnerships: milestones and overdue work"),
        audience=N_("City staff"),
        order=33,
        counts=figures,
        items=[
            item(
                row["title"],
                f"/staff/partnerships/{row['partnership']}",
                meta=_milestone_meta(row, locale),
                status=("milestone", "submitted"),
            )
            for row in waiting
        ],
        empty=N_("No milestone waits for review."),
        more=("/staff/partnerships", N_("All partnerships")),
    )


async def finance_panel(locale: str) -> dict:
    """Approved milestones not yet paid in full (stipends among them), oldest approval first,
    with the amount still to pay."""
    unpaid = (Milestone.status == "approved") & (Milestone.paid_cents < Milestone.amount_cents)
    rows = (
        await Milestone.select(
            Milestone.title,
            Milestone.amount_cents,
            Milestone.paid_cents,
            Milestone.partnership.as_alias("partnership"),
            Milestone.partnership.title.as_alias("partnership_title"),
            Milestone.partnership.kind.as_alias("kind"),
        )
        .where(unpaid)
        .order_by(Milestone.approved_at)
        .limit(LIMIT)
    )
    kinds = {
        row["kind"]: row["count"]
        for row in await Milestone.select(Milestone.partnership.kind.as_alias("kind"), Count())
        .where(unpaid)
        .group_by(Milestone.partnership.kind)
    }
    return panel(
        "payments",
        N_("Payments to record"),
        audience=N_("Finance"),
        order=34,
        counts=[
            count(N_("Approved milestones to pay"), sum(kinds.values()) - kinds.get("stipend", 0)),
            count(N_("Stipend instalments to pay"), kinds.get("stipend", 0)),
        ],
        items=[
            item(
                row["title"],
                f"/staff/partnerships/{row['partnership']}",
                meta=gettext(
                    "%(contract)s · %(amount)s to pay",
                    locale,
                    contract=row["partnership_title"],
                    amount=format_money(row["amount_cents"] - row["paid_cents"], locale),
                ),
                status=("payment", "partly" if row["paid_cents"] else "open"),
            )
            for row in rows
        ],
        empty=N_("No approved milestone waits for payment."),
        more=("/staff/partnerships", N_("All partnerships")),
    )


async def panels(user, locale: str) -> list[dict]:
    """Partner, development, staff and finance panels, each for whom it concerns."""
    found = []
    if user.sees("partner"):
        found.append(await partner_panel(user, locale))
    if user.sees("team"):
        development = await workspace_panel(user)
        if development:
            found.append(development)
    if is_staff(user):
        found.append(await staff_panel(locale))
    if is_finance(user):
        found.append(await finance_panel(locale))
    return found
