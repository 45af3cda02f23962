"""Lists and figures for staff and finance: partnerships with what is due, and the funding
overview per call and year (committed, approved, disbursed; payment latency)."""

from __future__ import annotations

import statistics
from collections import defaultdict

from challenge.calls.tables import Call
from challenge.organisations.tables import Organisation
from partnerships.services import overdue
from partnerships.tables import Evidence, Milestone, Partnership, Payment

COMMITTED = ("signed", "active", "completed")


async def partnership_list() -> list[dict]:
    partnerships = await Partnership.select(
        Partnership.id, Partnership.title, Partnership.status, Partnership.total_cents, Partnership.organisation,
        Partnership.call, Partnership.year, Partnership.number).order_by(Partnership.created_at, ascending=False)
    if not partnerships:
        return []
    ids = [p["id"] for p in partnerships]
    milestones = await Milestone.select(Milestone.partnership, Milestone.status, Milestone.due_date,
                                        Milestone.paid_cents).where(Milestone.partnership.is_in(ids))
    names = {o["id"]: o["name"] for o in await Organisation.select(Organisation.id, Organisation.name).where(
        Organisation.id.is_in(list({p["organisation"] for p in partnerships})))}
    by_partnership = defaultdict(list)
    for milestone in milestones:
        by_partnership[milestone["partnership"]].append(milestone)
    rows = []
    for p in partnerships:
        mine = by_partnership[p["id"]]
        waiting = [m["due_date"] for m in mine if m["status"] in ("planned", "changes_requested", "submitted")]
        rows.append({
            "id": p["id"], "title": p["title"], "organisation": names.get(p["organisation"], ""), "status": p["status"],
            "total_cents": p["total_cents"], "paid_cents": sum(m["paid_cents"] for m in mine),
            "next_due": min(waiting) if waiting else None,
            "overdue": sum(1 for m in mine if p["status"] == "active" and overdue(m)),
            "submitted": sum(1 for m in mine if m["status"] == "submitted"),
            "reference": f"SCC-{p['year']}-{p['number']}",
        })
    return rows


async def funding() -> dict:
    partnerships = await Partnership.select(Partnership.id, Partnership.call, Partnership.year, Partnership.status,
                                            Partnership.total_cents)
    calls = {c["id"]: c for c in await Call.select(Call.id, Call.slug, Call.title)}
    milestones = await Milestone.select(Milestone.id, Milestone.partnership, Milestone.status, Milestone.amount_cents,
                                        Milestone.approved_at)
    payments = await Payment.select(Payment.milestone, Payment.partnership, Payment.amount_cents, Payment.paid_on,
                                    Payment.created_at)
    evidence = await Evidence.select(Evidence.milestone, Evidence.round, Evidence.created_at)
    of = {p["id"]: p for p in partnerships}
    groups: dict[tuple, dict] = {}

    def group(partnership: dict) -> dict:
        key = (partnership["call"], partnership["year"])
        if key not in groups:
            call = calls.get(partnership["call"], {})
            groups[key] = {"call": call.get("slug", ""), "call_title": call.get("title", ""), "year": partnership["year"],
                           "partnerships": 0, "committed_cents": 0, "approved_cents": 0, "disbursed_cents": 0}
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

    # latency: last evidence before approval → approval → first payment, in days
    last_evidence = {}
    for e in sorted(evidence, key=lambda e: e["created_at"]):
        last_evidence[e["milestone"]] = e["created_at"]
    first_payment = {}
    for payment in sorted(payments, key=lambda p: p["created_at"]):
        first_payment.setdefault(payment["milestone"], payment["created_at"])
    to_approval = [(m["approved_at"] - last_evidence[m["id"]]).total_seconds() / 86400
                   for m in milestones if m["approved_at"] and m["id"] in last_evidence]
    to_payment = [(first_payment[m["id"]] - m["approved_at"]).total_seconds() / 86400
                  for m in milestones if m["approved_at"] and m["id"] in first_payment]

    def median(values: list[float]) -> float | None:
        return round(statistics.median(values), 1) if values else None

    return {
        "groups": sorted(groups.values(), key=lambda g: (-g["year"], g["call"])),
        "latency_days": {"evidence_to_approval": median(to_approval), "approval_to_payment": median(to_payment),
                         "milestones_measured": len(to_approval)},
    }
