"""What the public sees of funded projects: the project pages (with the path from the challenge
through the development phase and the offer to the pilot) and the flat CSV exports."""

from __future__ import annotations

import csv
import io
import json

from challenge.calls.tables import Call
from challenge.platform.money import plain_amount
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.contracts.rules import partnership_reference
from partnerships.development.phase import phase_of
from partnerships.development.tables import Offer, PilotDecision
from partnerships.opendata.facts import PUBLIC_STATES, Facts, load_facts
from partnerships.tables import Evidence, Milestone, Partnership, Payment

LICENCE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"


def _project(p: dict, facts: Facts, calls: dict, challenges: dict) -> dict:
    milestones = facts.milestones[p["id"]]
    met = sum(m["amount_cents"] for m in milestones if m["status"] in ("approved", "paid"))
    call = calls.get(p["call"], {})
    challenge = challenges.get(p["submission"], {})
    return {
        "id": p["id"],
        "submission": p["submission"],  # for the path; never shown
        "kind": p.get("kind", "partnership"),
        "reference": partnership_reference(p),
        "title": p["title"],
        "scope": p["scope"],
        "partner": facts.suppliers[p["id"]]["name"],
        "anonymous": p["id"] in facts.anonymous,
        "call": call.get("slug", ""),
        "call_title": call.get("title", ""),
        # the challenge the winning proposal answered and the unit that posed it (None on calls
        # without challenges)
        "challenge_title": challenge.get("title"),
        "owner_id": challenge.get("unit_id"),
        "owner": challenge.get("unit_name"),
        "status": p["status"],
        "start_date": p["start_date"],
        "end_date": p["end_date"],
        "total_cents": p["total_cents"],
        "met_cents": met,
        "paid_cents": sum(y["amount_cents"] for y in facts.payments[p["id"]]),
        "progress": round(100 * met / p["total_cents"]) if p["total_cents"] else 0,
        "milestones": milestones,
        "payments": facts.payments[p["id"]],
        # each payment to the partner as named when it was made (a later rename starts new rows)
        "payees": {
            y["id"]: facts.supplier_at(p["id"], y["created_at"])["name"]
            for y in facts.payments[p["id"]]
        },
    }


async def projects(facts: Facts | None = None) -> list[dict]:
    """Funded projects for the public: progress is the share of tranche amounts met."""
    facts = facts or await load_facts()
    calls = (
        {c["id"]: c for c in await Call.select(Call.id, Call.slug, Call.title)}
        if facts.partnerships
        else {}
    )
    challenges = await _challenges([p["submission"] for p in facts.partnerships])
    return [_project(p, facts, calls, challenges) for p in facts.partnerships]


async def _challenges(submission_ids: list) -> dict:
    """submission id -> the challenge it answered: its title, unit id and unit name."""
    if not submission_ids:
        return {}
    rows = await Submission.select(
        Submission.id,
        Submission.challenge.title.as_alias("title"),
        Submission.challenge.unit.id.as_alias("unit_id"),
        Submission.challenge.unit.name.as_alias("unit_name"),
    ).where(Submission.id.is_in(submission_ids) & Submission.challenge.is_not_null())
    return {row["id"]: row for row in rows}


async def project(project_id) -> dict | None:
    """One public project, or None when it is not public (not signed, or no such id)."""
    rows = await projects(await load_facts(only=project_id))
    if not rows:
        return None
    return {**rows[0], "path": await path_of(rows[0])}


# --- the path: challenge → proposal → development phase → offer → pilot -----------------


async def _entry(submission_id) -> dict | None:
    return (
        await Submission.select(
            Submission.title,
            Submission.reference,
            Submission.challenge.title.as_alias("challenge_title"),
            Submission.challenge.unit.name.as_alias("unit_name"),
            Submission.challenge.stipend_cents.as_alias("stipend_cents"),
            Submission.call.as_alias("call_id"),
            Submission.call.results_published_at.as_alias("results_published_at"),
        )
        .where((Submission.id == submission_id) & Submission.challenge.is_not_null())
        .first()
    )


async def _partnership(submission_id, kind: str) -> dict | None:
    """The entry's partnership of ``kind`` if public (signed or later), with what was paid."""
    row = (
        await Partnership.select(
            Partnership.id, Partnership.total_cents, Partnership.start_date, Partnership.end_date
        )
        .where(
            (Partnership.submission == submission_id)
            & (Partnership.kind == kind)
            & Partnership.status.is_in(list(PUBLIC_STATES))
        )
        .first()
    )
    if row is not None:
        paid = await Payment.select(Payment.amount_cents).where(Payment.partnership == row["id"])
        row["paid_cents"] = sum(p["amount_cents"] for p in paid)
    return row


async def _offer(submission_id) -> dict | None:
    """A submitted offer as the public sees it: only with the team's consent, and then its
    summary, total and months (the pilot contract publishes what was agreed anyway)."""
    row = (
        await Offer.select(
            Offer.status,
            Offer.total_cents,
            Offer.months,
            Offer.public_summary,
            Offer.consent_publication,
        )
        .where(Offer.submission == submission_id)
        .first()
    )
    if row is None or row["status"] != "submitted" or not row["consent_publication"]:
        return None
    return {
        "total_cents": row["total_cents"],
        "months": row["months"],
        "summary": row["public_summary"],
    }


async def open_source_of(pilot_id) -> dict | None:
    """The pilot's published code: repository and licence from the bonus evidence that staff
    verified (licence OSI-approved and as offered); None before."""
    bonus = (
        await Milestone.select(Milestone.id, Milestone.evidence_round, Milestone.verification)
        .where((Milestone.partnership == pilot_id) & (Milestone.kind == "open_source_bonus"))
        .first()
    )
    if bonus is None:
        return None
    verification = bonus["verification"] or {}
    if isinstance(verification, str):
        verification = json.loads(verification or "{}")
    if not (verification.get("osi_approved") and verification.get("matches_offer")):
        return None
    evidence = (
        await Evidence.select(Evidence.repository_url, Evidence.ref, Evidence.licence)
        .where((Evidence.milestone == bonus["id"]) & (Evidence.round == bonus["evidence_round"]))
        .first()
    )
    return evidence if evidence and evidence["repository_url"] else None


async def path_of(project: dict) -> dict | None:
    """The way of a project from its challenge: the proposal, the development phase with its
    stipend, the offer (summary only with consent), the pilot and its published code. None for
    projects without a challenge. No person's data."""
    entry = await _entry(project["submission"])
    if entry is None:
        return None
    developed = await Decision.exists().where(
        (Decision.submission == project["submission"]) & (Decision.outcome == "development")
    )
    path = {"entry": entry, "phase": None, "stipend": None, "offer": None, "pilot": None}
    if developed:
        call = {"id": entry["call_id"], "results_published_at": entry["results_published_at"]}
        path["phase"] = await phase_of(call)
        path["stipend"] = await _partnership(project["submission"], "stipend")
        path["offer"] = await _offer(project["submission"])
    decided = (
        await PilotDecision.select(PilotDecision.decided_at)
        .where(PilotDecision.submission == project["submission"])
        .first()
    )
    pilot = await _partnership(project["submission"], "pilot")
    if decided is not None:
        path["pilot"] = {**(pilot or {}), "decided_at": decided["decided_at"]}
        if pilot is not None:
            path["open_source"] = await open_source_of(pilot["id"])
    return path


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [
                "'" + v if isinstance(v, str) and v.startswith(("=", "+", "-", "@")) else v
                for v in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode()


async def projects_csv() -> bytes:
    """Funded projects as CSV (semicolons, UTF-8 with BOM, formula-safe)."""
    rows = await projects()
    return _csv(
        [
            "reference",
            "title",
            "partner",
            "call",
            "status",
            "start_date",
            "end_date",
            "total_eur",
            "met_eur",
            "paid_eur",
            "progress_percent",
        ],
        [
            [
                r["reference"],
                r["title"],
                r["partner"],
                r["call"],
                r["status"],
                r["start_date"].isoformat(),
                r["end_date"].isoformat(),
                plain_amount(r["total_cents"]),
                plain_amount(r["met_cents"]),
                plain_amount(r["paid_cents"]),
                r["progress"],
            ]
            for r in rows
        ],
    )


async def payments_csv() -> bytes:
    """Payments to funded projects as CSV, each to the partner as named when paid."""
    rows = await projects()
    titles = {m["id"]: m["title"] for r in rows for m in r["milestones"]}
    return _csv(
        ["reference", "project", "partner", "milestone", "paid_on", "amount_eur"],
        [
            [
                r["reference"],
                r["title"],
                r["payees"][y["id"]],
                titles.get(y["milestone"], ""),
                y["paid_on"].isoformat(),
                plain_amount(y["amount_cents"]),
            ]
            for r in rows
            for y in r["payments"]
        ],
    )
