"""Lists and figures for staff and finance: partnerships with what is due, and the funding
overview per call and year (committed, approved, disbursed; payment latency)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from uuid import UUID

from challenge.calls.tables import Call
from challenge.organisations.tables import Membership, Organisation
from partnerships.contracts.rules import overdue, partnership_reference
from partnerships.tables import Evidence, Milestone, Partnership, Payment

COMMITTED = ("signed", "active", "completed")
DUE = ("planned", "changes_requested", "submitted")
KINDS = ("stipend", "pilot", "partnership")  # each kind is its own award in the overview


def _row(p: dict, mine: list[dict], names: dict) -> dict:
    waiting = [m["due_date"] for m in mine if m["status"] in DUE]
    return {
        "id": p["id"],
        "title": p["title"],
        "kind": p.get("kind", "partnership"),
        "organisation": names.get(p["organisation"], ""),
        "status": p["status"],
        "total_cents": p["total_cents"],
        "paid_cents": sum(m["paid_cents"] for m in mine),
        "next_due": min(waiting) if waiting else None,
        "overdue": sum(1 for m in mine if p["status"] == "active" and overdue(m)),
        "submitted": sum(1 for m in mine if m["status"] == "submitted"),
        "reference": partnership_reference(p),
    }


async def partnership_list(member: UUID | None = None) -> list[dict]:
    """Partnerships, newest first, with what is due: every one for staff and finance; with
    ``member`` only those of the person's organisations that are no longer drafts."""
    query = Partnership.select(
        Partnership.id,
        Partnership.title,
        Partnership.kind,
        Partnership.status,
        Partnership.total_cents,
        Partnership.organisation,
        Partnership.call,
        Partnership.year,
        Partnership.number,
    ).order_by(Partnership.created_at, ascending=False)
    if member is not None:
        organisations = [
            m["organisation"]
            for m in await Membership.select(Membership.organisation).where(
                Membership.user == member
            )
        ]
        if not organisations:
            return []
        query = query.where(
            Partnership.organisation.is_in(organisations) & (Partnership.status != "draft")
        )
    partnerships = await query
    if not partnerships:
        return []
    milestones = await Milestone.select(
        Milestone.partnership, Milestone.status, Milestone.due_date, Milestone.paid_cents
    ).where(Milestone.partnership.is_in([p["id"] for p in partnerships]))
    names = {
        o["id"]: o["name"]
        for o in await Organisation.select(Organisation.id, Organisation.name).where(
            Organisation.id.is_in(list({p["organisation"] for p in partnerships}))
        )
    }
    by_partnership = defaultdict(list)
    for milestone in milestones:
        by_partnership[milestone["partnership"]].append(milestone)
    return [_row(p, by_partnership[p["id"]], names) for p in partnerships]


def _groups(
    partnerships: list[dict], milestones: list[dict], payments: list[dict], calls: dict
) -> list[dict]:
    of = {p["id"]: p for p in partnerships}
    groups: dict[tuple, dict] = {}

    def group(partnership: dict) -> dict:
        kind = partnership.get("kind") or "partnership"
        key = (partnership["call"], partnership["year"], kind)
        if key not in groups:
            call = calls.get(partnership["call"], {})
            groups[key] = {
                "call": call.get("slug", ""),
                "call_title": call.get("title", ""),
                "year": partnership["year"],
                "kind": kind,
                "partnerships": 0,
                "committed_cents": 0,
                "approved_cents": 0,
                "disbursed_cents": 0,
            }
        return groups[key]

    for p in partnerships:
        if p["status"] in COMMITTED:
            entry = group(p)
            entry["partnerships"] += 1
            entry["committed_cents"] += p["total_cents"]
    for m in milestones:
        if m["status"] in ("approved", "paid") and of[m["partnership"]]["status"] in COMMITTED:
            group(of[m["partnership"]])["approved_cents"] += m["amount_cents"]
    for payment in payments:
        group(of[payment["partnership"]])["disbursed_cents"] += payment["amount_cents"]
    return sorted(
        groups.values(),
        key=lambda g: (-g["year"], g["call"], KINDS.index(g["kind"]) if g["kind"] in KINDS else 9),
    )


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _latency(milestones: list[dict], payments: list[dict], evidence: list[dict]) -> dict:
    """Last evidence before approval → approval → first payment, in days."""
    last_evidence = {}
    for e in sorted(evidence, key=lambda e: e["created_at"]):
        last_evidence[e["milestone"]] = e["created_at"]
    first_payment = {}
    for payment in sorted(payments, key=lambda p: p["created_at"]):
        first_payment.setdefault(payment["milestone"], payment["created_at"])
    to_approval = [
        (m["approved_at"] - last_evidence[m["id"]]).total_seconds() / 86400
        for m in milestones
        if m["approved_at"] and m["id"] in last_evidence
    ]
    to_payment = [
        (first_payment[m["id"]] - m["approved_at"]).total_seconds() / 86400
        for m in milestones
        if m["approved_at"] and m["id"] in first_payment
    ]
    return {
        "evidence_to_approval": _median(to_approval),
        "approval_to_payment": _median(to_payment),
        "milestones_measured": len(to_approval),
    }


async def funding() -> dict:
    """Committed, approved and disbursed per call, year and kind of award (stipends, pilots and
    partnerships each on their own row); payment latency in days."""
    partnerships = await Partnership.select(
        Partnership.id,
        Partnership.call,
        Partnership.year,
        Partnership.kind,
        Partnership.status,
        Partnership.total_cents,
    )
    calls = {c["id"]: c for c in await Call.select(Call.id, Call.slug, Call.title)}
    milestones = await Milestone.select(
        Milestone.id,
        Milestone.partnership,
        Milestone.status,
        Milestone.amount_cents,
        Milestone.approved_at,
    )
    payments = await Payment.select(
        Payment.milestone,
        Payment.partnership,
        Payment.amount_cents,
        Payment.paid_on,
        Payment.created_at,
    )
    evidence = await Evidence.select(Evidence.milestone, Evidence.round, Evidence.created_at)
    return {
        "groups": _groups(partnerships, milestones, payments, calls),
        "latency_days": _latency(milestones, payments, evidence),
    }
