"""Delivering a running partnership's milestones: the partner's evidence, staff reviews with four
eyes, and finance's payments with their guards. Every step is audited; a refusal changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from challenge import db
from challenge.organisations.policies import is_member
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.problems import FieldError, Problem, not_found
from partnerships.services import (
    APPROVALS_NEEDED,
    _lock,
    _transition,
    get,
    invalid,
    is_finance,
    require_staff,
)
from partnerships.tables import Evidence, Milestone, MilestoneReview, Partnership, Payment


async def milestone_context(milestone_id: UUID) -> tuple[dict, dict]:
    milestone = await Milestone.select().where(Milestone.id == milestone_id).first()
    if milestone is None:
        raise not_found(N_("Milestone not found"))
    return milestone, await get(milestone["partnership"])


async def submit_evidence(actor, milestone_id: UUID, document: dict | None, note: str) -> dict:
    """The partner reports a milestone done: evidence (a file and/or a note) → submitted."""
    milestone, partnership = await milestone_context(milestone_id)
    if not await is_member(actor, partnership["organisation"]):
        raise not_found(N_("Milestone not found"))
    if document is None and not note.strip():
        raise invalid([FieldError("file", N_("Add a report file or a note."))])
    async with db.write_transaction():
        await _lock(Milestone, milestone_id)
        milestone, partnership = await milestone_context(milestone_id)
        if partnership["status"] != "active":
            raise Problem(409, "not_active", N_("Evidence is accepted once the contract is signed."))
        if milestone["status"] not in ("planned", "changes_requested"):
            raise Problem(409, "invalid_transition", N_("This milestone does not wait for evidence."),
                          extra={"status": milestone["status"]})
        round_ = milestone["evidence_round"] + 1
        await Evidence(milestone=milestone_id, round=round_, document=document["id"] if document else None,
                       note=note.strip(), submitted_by=actor.id, created_at=clock.now()).save()
        await Milestone.update({Milestone.status: "submitted", Milestone.evidence_round: round_,
                                Milestone.submitted_at: clock.now()}).where(Milestone.id == milestone_id)
        await record("milestone.evidence", actor=actor, object_type="milestone", object_id=milestone_id,
                     payload={"round": round_, "document": str(document["id"]) if document else None})
    return await Milestone.select().where(Milestone.id == milestone_id).first()


async def review(actor, milestone_id: UUID, decision: str, comment: str) -> dict:
    """Staff: request changes (with a comment) or approve; approval needs two different people."""
    require_staff(actor)
    if decision not in ("approve", "request_changes"):
        raise invalid([FieldError("decision", N_("Choose approve or request changes."))])
    if decision == "request_changes" and not comment.strip():
        raise invalid([FieldError("comment", N_("Say what needs to change."))])
    async with db.write_transaction():
        await _lock(Milestone, milestone_id)
        milestone, _partnership = await milestone_context(milestone_id)
        if milestone["status"] != "submitted":
            raise Problem(409, "invalid_transition", N_("This milestone has no evidence waiting for review."),
                          extra={"status": milestone["status"]})
        approvers = {r["reviewer"] for r in await MilestoneReview.select(MilestoneReview.reviewer).where(
            (MilestoneReview.milestone == milestone_id) & (MilestoneReview.round == milestone["evidence_round"])
            & (MilestoneReview.decision == "approve"))}
        if decision == "approve" and actor.id in approvers:
            raise Problem(422, "four_eyes_required",
                          N_("You approved this already; a second, different staff member must approve."))
        await MilestoneReview(milestone=milestone_id, round=milestone["evidence_round"], reviewer=actor.id,
                              decision=decision, comment=comment.strip(), created_at=clock.now()).save()
        values = {}
        if decision == "request_changes":
            values = {Milestone.status: "changes_requested"}
        elif len(approvers) + 1 >= APPROVALS_NEEDED:
            values = {Milestone.status: "approved", Milestone.approved_at: clock.now()}
        if values:
            await Milestone.update(values).where(Milestone.id == milestone_id)
        await record(f"milestone.{decision}", actor=actor, object_type="milestone", object_id=milestone_id,
                     payload={"round": milestone["evidence_round"], "comment": comment.strip(),
                              "approvals": len(approvers) + (decision == "approve")})
    return await Milestone.select().where(Milestone.id == milestone_id).first()


def payment_today() -> date:
    """Today in Leipzig, the latest day a payment may carry (plus one day for time zones and
    late bookings); a module function so tests set the calendar without touching the clock."""
    return clock.now().astimezone(BERLIN).date()


def _check_paid_on(paid_on: date, partnership: dict) -> None:
    """A payment is dated neither before the contract started or existed, nor in the future."""
    created = partnership["created_at"].astimezone(BERLIN).date() if partnership.get("created_at") else partnership["start_date"]
    earliest = min(partnership["start_date"], created)
    latest = payment_today() + timedelta(days=1)
    if paid_on < earliest:
        raise invalid([FieldError("paid_on", N_("A payment cannot be dated before the contract started."))])
    if paid_on > latest:
        raise invalid([FieldError("paid_on", N_("A payment cannot be dated in the future."))])


async def record_payment(actor, milestone_id: UUID, *, amount_cents: int, paid_on: date, reference: str) -> dict:
    """Finance records a payment for an approved milestone; never by someone who approved it,
    never above the tranche or the contract total. A fully paid milestone becomes paid; the
    partnership completes when every milestone is paid."""
    if not is_finance(actor):
        raise Problem(403, "forbidden", N_("Payments are recorded by finance."))
    if amount_cents <= 0:
        raise invalid([FieldError("amount_cents", N_("A payment must be more than zero."))])
    if len(reference) > 100:
        raise invalid([FieldError("reference", N_("The reference is too long (at most 100 characters)."))])
    async with db.write_transaction():
        await _lock(Milestone, milestone_id)
        milestone, partnership = await milestone_context(milestone_id)
        await _lock(Partnership, partnership["id"])
        _check_paid_on(paid_on, partnership)
        if milestone["status"] != "approved":
            raise Problem(422, "not_approved", N_("Only an approved milestone can be paid."),
                          extra={"status": milestone["status"]})
        if await MilestoneReview.exists().where((MilestoneReview.milestone == milestone_id)
                                                & (MilestoneReview.reviewer == actor.id)):
            raise Problem(422, "four_eyes_required", N_("Who reviewed a milestone does not record its payment."))
        if milestone["paid_cents"] + amount_cents > milestone["amount_cents"]:
            raise Problem(422, "exceeds_tranche", N_("The payment is more than what is left of the tranche."),
                          extra={"left_cents": milestone["amount_cents"] - milestone["paid_cents"]})
        paid = sum(p["amount_cents"] for p in await Payment.select(Payment.amount_cents).where(
            Payment.partnership == partnership["id"]))
        if paid + amount_cents > partnership["total_cents"]:
            raise Problem(422, "exceeds_total", N_("The payment is more than what is left of the contract."),
                          extra={"left_cents": partnership["total_cents"] - paid})
        now = clock.now()
        payment = Payment(milestone=milestone_id, partnership=partnership["id"], amount_cents=amount_cents,
                          paid_on=paid_on, reference=reference.strip(), recorded_by=actor.id, created_at=now)
        await payment.save()
        fully = milestone["paid_cents"] + amount_cents == milestone["amount_cents"]
        await Milestone.update({Milestone.paid_cents: milestone["paid_cents"] + amount_cents,
                                **({Milestone.status: "paid", Milestone.paid_at: now} if fully else {})}).where(
            Milestone.id == milestone_id)
        await record("milestone.payment", actor=actor, object_type="milestone", object_id=milestone_id,
                     payload={"amount_cents": amount_cents, "paid_on": paid_on.isoformat(), "reference": reference.strip()})
        if fully and not await Milestone.exists().where((Milestone.partnership == partnership["id"])
                                                        & (Milestone.status != "paid")):
            await _transition(actor, partnership["id"], "completed", {Partnership.completed_at: now})
    return await Payment.select().where(Payment.id == payment.id).first()
