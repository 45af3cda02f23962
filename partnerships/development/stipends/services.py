"""Stipend agreements: selecting a team for the development phase prepares a draft agreement
(kind ``stipend``) with one milestone, the stipend; taking the selection back deletes the draft.
Sending, countersigning, the four-eyes approval and finance's payment are the partnership
contract's own steps (``partnerships.contracts`` and ``partnerships.milestones``); the
countersigned agreement is the stipend's evidence (see ``partnerships.contracts.signing``)."""

from __future__ import annotations

from uuid import UUID

from challenge.challenges.tables import Challenge
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import BERLIN
from partnerships.contracts import services as contracts
from partnerships.contracts.schemas import MilestoneIn, PartnershipIn
from partnerships.development.access import DEVELOPMENT, selected_entry
from partnerships.development.phase import phase_of
from partnerships.tables import Evidence, Milestone, Partnership

KIND = "stipend"
TITLE = "Stipendium Entwicklungsphase – {challenge}"
MILESTONE_TITLE = "Stipendium"
DELIVERABLES = (
    "Ausarbeitung der Rahmenbedingungen für ein Pilotprojekt mit der Stadt und ein "
    "detailliertes Angebot bis zum Angebotsschluss am {due}."
)
EVIDENCE_NOTE = "Gegengezeichnete Stipendienvereinbarung"  # stored, like the plan, in German
SCOPE_MAX = 10_000


def deliverables(phase: dict) -> str:
    """The stipend's deliverables with the offer deadline in Leipzig time."""
    due = phase["offer_due_at"].astimezone(BERLIN)
    return DELIVERABLES.format(due=due.strftime("%d.%m.%Y, %H:%M Uhr"))


def agreement_plan(entry: dict, phase: dict) -> PartnershipIn:
    """The draft agreement of a selected entry: the challenge's title, problem, unit and
    stipend; the phase's dates; one milestone, the stipend, due on the first day."""
    challenge = entry["challenge"]
    scope = (challenge.get("problem") or challenge["title"]).strip()[:SCOPE_MAX]
    return PartnershipIn(
        submission_id=entry["id"],
        title=TITLE.format(challenge=challenge["title"])[:200],
        scope=scope,
        city_unit=(challenge.get("unit_name") or "")[:200],
        start_date=phase["starts_on"],
        end_date=phase["ends_on"],
        total_cents=challenge["stipend_cents"],
        milestones=[
            MilestoneIn(
                title=MILESTONE_TITLE,
                deliverables=deliverables(phase),
                due_date=phase["starts_on"],
                amount_cents=challenge["stipend_cents"],
            )
        ],
    )


async def _challenge_problem(challenge_id: UUID) -> str:
    row = await Challenge.select(Challenge.problem).where(Challenge.id == challenge_id).first()
    return (row or {}).get("problem") or ""


async def prepare(actor, call: dict, submission_id: UUID) -> dict | None:
    """Inside the decision's transaction: the entry's draft stipend agreement, created once
    (a second "development" decision changes nothing). None if the entry is not selected."""
    existing = await contracts.for_submission(submission_id, KIND)
    if existing is not None:
        return await contracts.get(existing)
    entry = await selected_entry(submission_id)
    if entry is None or not entry["challenge"]["stipend_cents"]:
        return None
    entry["challenge"]["problem"] = await _challenge_problem(entry["challenge"]["id"])
    plan = agreement_plan(entry, await phase_of(call))
    return await contracts.insert(actor, plan, kind=KIND)


async def withdraw(actor, submission_id: UUID) -> bool:
    """Inside the decision's transaction: delete the entry's stipend agreement while it is a
    draft (audited); True if one was deleted. A sent or signed agreement stays."""
    row = (
        await Partnership.select(Partnership.id, Partnership.status, Partnership.total_cents)
        .where((Partnership.submission == submission_id) & (Partnership.kind == KIND))
        .first()
    )
    if row is None or row["status"] != "draft":
        return False
    await Milestone.delete().where(Milestone.partnership == row["id"])
    await Partnership.delete().where(Partnership.id == row["id"])
    await record(
        "partnership.deleted",
        actor=actor,
        object_type="partnership",
        object_id=row["id"],
        payload={"submission": str(submission_id), "kind": KIND, "reason": "decision_changed"},
    )
    return True


async def on_decision(actor, call: dict, submission_id: UUID, outcome: str) -> None:
    """The results decision's hook: "development" prepares the stipend agreement, any other
    outcome removes a draft one."""
    if outcome == DEVELOPMENT:
        await prepare(actor, call, submission_id)
    else:
        await withdraw(actor, submission_id)


async def stipend_of(submission_id: UUID) -> dict | None:
    """The entry's stipend agreement as the workspace shows it: {partnership_id, status,
    total_cents, paid_cents}; None without one."""
    row = (
        await Partnership.select(Partnership.id, Partnership.status, Partnership.total_cents)
        .where((Partnership.submission == submission_id) & (Partnership.kind == KIND))
        .first()
    )
    if row is None:
        return None
    paid = await Milestone.select(Milestone.paid_cents).where(Milestone.partnership == row["id"])
    return {
        "partnership_id": row["id"],
        "status": row["status"],
        "total_cents": row["total_cents"],
        "paid_cents": sum(m["paid_cents"] for m in paid),
    }


async def submit_signed_agreement(actor, partnership: dict) -> None:
    """Inside the signing transaction, once a stipend agreement is active: its milestone waits
    for approval with the countersigned agreement as evidence (audited)."""
    if partnership.get("kind") != KIND:
        return
    for milestone in await Milestone.select().where(
        (Milestone.partnership == partnership["id"]) & (Milestone.status == "planned")
    ):
        round_ = milestone["evidence_round"] + 1
        await Evidence(
            milestone=milestone["id"],
            round=round_,
            document=partnership["signed_document"],
            note=EVIDENCE_NOTE,
            submitted_by=getattr(actor, "id", None),
            created_at=clock.now(),
        ).save()
        await Milestone.update(
            {
                Milestone.status: "submitted",
                Milestone.evidence_round: round_,
                Milestone.submitted_at: clock.now(),
            }
        ).where(Milestone.id == milestone["id"])
        await record(
            "milestone.evidence",
            actor=actor,
            object_type="milestone",
            object_id=milestone["id"],
            payload={"round": round_, "document": str(partnership["signed_document"])},
        )


async def align_drafts(actor, call: dict) -> int:
    """Inside the caller's write transaction: the call's draft stipend agreements take the
    phase's current dates (when staff set the phase, or the results are published); audited.
    Returns how many changed. Sent or signed agreements keep what was agreed."""
    phase = await phase_of(call)
    due = deliverables(phase)  # names the offer deadline: a change of it alone counts too
    drafts = []
    for row in await Partnership.select(
        Partnership.id, Partnership.start_date, Partnership.end_date
    ).where(
        (Partnership.call == call["id"])
        & (Partnership.kind == KIND)
        & (Partnership.status == "draft")
    ):
        texts = await Milestone.select(Milestone.deliverables).where(
            Milestone.partnership == row["id"]
        )
        if (row["start_date"], row["end_date"]) != (phase["starts_on"], phase["ends_on"]) or any(
            m["deliverables"] != due for m in texts
        ):
            drafts.append(row)
    for row in drafts:
        await Partnership.update(
            {Partnership.start_date: phase["starts_on"], Partnership.end_date: phase["ends_on"]}
        ).where(Partnership.id == row["id"])
        await Milestone.update(
            {Milestone.due_date: phase["starts_on"], Milestone.deliverables: due}
        ).where(Milestone.partnership == row["id"])
        await record(
            "partnership.plan_changed",
            actor=actor,
            object_type="partnership",
            object_id=row["id"],
            payload={"reason": "phase_dates", "start_date": str(phase["starts_on"])},
        )
    return len(drafts)
