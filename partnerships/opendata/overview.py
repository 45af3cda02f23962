"""Lists and figures for staff and finance: partnerships with what is due, and the funding
overview per call and year (committed, approved, disbursed; payment latency)."""

from __future__ import annotations

from uuid import UUID

from piccolo.query.functions.aggregate import Count, Sum

from challenge import db
from challenge.calls.tables import Call
from challenge.organisations.tables import Membership
from partnerships.contracts import listing
from partnerships.tables import Milestone, Partnership, Payment

COMMITTED = ("signed", "active", "completed")
KINDS = ("stipend", "pilot", "partnership")  # each kind is its own award in the overview


async def partnership_list(member: UUID | None = None) -> list[dict]:
    """Partnerships, newest first, with what is due: every one for staff and finance (the API;
    the staff's page reads a page at a time, see ``contracts.listing``); with ``member`` only
    those of the person's organisations that are no longer drafts."""
    query = Partnership.select(*listing.COLUMNS).order_by(
        Partnership.created_at, Partnership.number, ascending=False
    )
    if member is not None:
        organisations = Membership.select(Membership.organisation).where(Membership.user == member)
        query = query.where(
            Partnership.organisation.is_in(organisations) & (Partnership.status != "draft")
        )
    return await listing.with_milestones(await query)


def _key(row: dict) -> tuple:
    return (row["call"], row["year"], row["kind"] or "partnership")


def _groups(sums: dict[str, list[dict]], calls: dict) -> list[dict]:
    """The rows of the overview from the sums per (call, year, kind)."""
    groups: dict[tuple, dict] = {}
    for name, rows in sums.items():
        for row in rows:
            key = _key(row)
            if key not in groups:
                call = calls.get(row["call"], {})
                groups[key] = {
                    "call": call.get("slug", ""),
                    "call_title": call.get("title", ""),
                    "year": row["year"],
                    "kind": key[2],
                    "partnerships": 0,
                    "committed_cents": 0,
                    "approved_cents": 0,
                    "disbursed_cents": 0,
                }
            groups[key][f"{name}_cents"] += int(row["cents"] or 0)
            if name == "committed":
                groups[key]["partnerships"] += int(row["partnerships"])
    return sorted(
        groups.values(),
        key=lambda g: (-g["year"], g["call"], KINDS.index(g["kind"]) if g["kind"] in KINDS else 9),
    )


async def _sums() -> dict[str, list[dict]]:
    """Committed (signed and later), approved (on those) and disbursed cents, summed in SQL per
    call, year and kind of the partnership."""
    committed = Partnership.status.is_in(list(COMMITTED))
    by = (Partnership.call, Partnership.year, Partnership.kind)
    via_milestone = (
        Milestone.partnership.call,
        Milestone.partnership.year,
        Milestone.partnership.kind,
    )
    via_payment = (Payment.partnership.call, Payment.partnership.year, Payment.partnership.kind)
    names = ("call", "year", "kind")
    return {
        "committed": await Partnership.select(
            *by, Count(alias="partnerships"), Sum(Partnership.total_cents, alias="cents")
        )
        .where(committed)
        .group_by(*by),
        "approved": await Milestone.select(
            *(c.as_alias(n) for c, n in zip(via_milestone, names, strict=True)),
            Sum(Milestone.amount_cents, alias="cents"),
        )
        .where(
            Milestone.status.is_in(["approved", "paid"])
            & Milestone.partnership.status.is_in(list(COMMITTED))
        )
        .group_by(*via_milestone),
        "disbursed": await Payment.select(
            *(c.as_alias(n) for c, n in zip(via_payment, names, strict=True)),
            Sum(Payment.amount_cents, alias="cents"),
        ).group_by(*via_payment),
    }


# Days from one moment to another, on each engine; the median over rows of ``days`` without
# loading them: the middle row (or the mean of the two middle rows) by row number.
_DAYS = {
    "sqlite": "(julianday({later}) - julianday({earlier}))",
    "postgres": "(extract(epoch FROM ({later} - {earlier})) / 86400.0)",
}
_MEDIAN = (
    "WITH d AS ({durations}), o AS (SELECT days, row_number() OVER (ORDER BY days) AS r,"
    " count(*) OVER () AS n FROM d)"
    " SELECT avg(days) AS median, max(n) AS n FROM o WHERE r IN ((n + 1) / 2, (n + 2) / 2)"
)
# per approved milestone: its last evidence, its first payment
_TO_APPROVAL = (
    "SELECT {days} AS days FROM milestone_evidence e JOIN milestones m ON m.id = e.milestone"
    " WHERE m.approved_at IS NOT NULL GROUP BY m.id, m.approved_at"
)
_TO_PAYMENT = (
    "SELECT {days} AS days FROM payments y JOIN milestones m ON m.id = y.milestone"
    " WHERE m.approved_at IS NOT NULL GROUP BY m.id, m.approved_at"
)


async def _median_days(durations: str, later: str, earlier: str) -> tuple[float | None, int]:
    """(median in days rounded to a tenth, rows measured) of a query's ``days``."""
    days = _DAYS[db.current_engine().engine_type].format(later=later, earlier=earlier)
    row = (await Milestone.raw(_MEDIAN.format(durations=durations.format(days=days))))[0]
    median = None if row["median"] is None else round(float(row["median"]), 1)
    return median, int(row["n"] or 0)


async def _latency() -> dict:
    """Last evidence → approval → first payment, in days: medians computed in SQL."""
    to_approval, measured = await _median_days(_TO_APPROVAL, "m.approved_at", "max(e.created_at)")
    to_payment, _paid = await _median_days(_TO_PAYMENT, "min(y.created_at)", "m.approved_at")
    return {
        "evidence_to_approval": to_approval,
        "approval_to_payment": to_payment,
        "milestones_measured": measured,
    }


async def funding() -> dict:
    """Committed, approved and disbursed per call, year and kind of award (stipends, pilots and
    partnerships each on their own row), summed in SQL; payment latency in days."""
    calls = {c["id"]: c for c in await Call.select(Call.id, Call.slug, Call.title)}
    return {"groups": _groups(await _sums(), calls), "latency_days": await _latency()}
