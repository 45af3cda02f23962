"""Finance's payments for approved milestones, with their guards: four eyes, never above the
tranche or the contract total, dated within the contract's life."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts import stepup
from challenge.platform.audit.service import record
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.problems import FieldError, Problem
from partnerships.contracts.rules import invalid
from partnerships.contracts.services import transition
from partnerships.milestones import policies
from partnerships.milestones.services import milestone_context
from partnerships.tables import Milestone, MilestoneReview, Partnership, Payment


def payment_today() -> date:
    """Today in Leipzig, the latest day a payment may carry (plus one day for time zones and
    late bookings); a module function so tests set the calendar without touching the clock."""
    return clock.now().astimezone(BERLIN).date()


def check_paid_on(paid_on: date, partnership: dict) -> None:
    """A payment is dated neither before the contract started or existed, nor in the future."""
    created = (
        partnership["created_at"].astimezone(BERLIN).date()
        if partnership.get("created_at")
        else partnership["start_date"]
    )
    earliest = min(partnership["start_date"], created)
    latest = payment_today() + timedelta(days=1)
    if paid_on < earliest:
        raise invalid(
            [FieldError("paid_on", N_("A payment cannot be dated before the contract started."))]
        )
    if paid_on > latest:
        raise invalid([FieldError("paid_on", N_("A payment cannot be dated in the future."))])


async def _check_payable(actor, milestone: dict, partnership: dict, amount_cents: int) -> None:
    """The guards of one payment (inside the locked transaction)."""
    if not policies.may_pay(actor, milestone):
        raise Problem(
            422,
            "not_approved",
            N_("Only an approved milestone can be paid."),
            extra={"status": milestone["status"]},
        )
    reviewers = await MilestoneReview.select(MilestoneReview.reviewer).where(
        MilestoneReview.milestone == milestone["id"]
    )
    if not policies.may_pay_as(actor, milestone, [r["reviewer"] for r in reviewers]):
        raise Problem(
            422, "four_eyes_required", N_("Who reviewed a milestone does not record its payment.")
        )
    if milestone["paid_cents"] + amount_cents > milestone["amount_cents"]:
        raise Problem(
            422,
            "exceeds_tranche",
            N_("The payment is more than what is left of the tranche."),
            extra={"left_cents": milestone["amount_cents"] - milestone["paid_cents"]},
        )
    paid = sum(
        p["amount_cents"]
        for p in await Payment.select(Payment.amount_cents).where(
            Payment.partnership == partnership["id"]
        )
    )
    if paid + amount_cents > partnership["total_cents"]:
        raise Problem(
            422,
            "exceeds_total",
            N_("The payment is more than what is left of the contract."),
            extra={"left_cents": partnership["total_cents"] - paid},
        )


async def _book(
    actor, milestone: dict, partnership: dict, *, amount_cents: int, paid_on: date, reference: str
) -> Payment:
    now = clock.now()
    payment = Payment(
        milestone=milestone["id"],
        partnership=partnership["id"],
        amount_cents=amount_cents,
        paid_on=paid_on,
        reference=reference.strip(),
        recorded_by=actor.id,
        created_at=now,
    )
    await payment.save()
    fully = milestone["paid_cents"] + amount_cents == milestone["amount_cents"]
    await Milestone.update(
        {
            Milestone.paid_cents: milestone["paid_cents"] + amount_cents,
            **({Milestone.status: "paid", Milestone.paid_at: now} if fully else {}),
        }
    ).where(Milestone.id == milestone["id"])
    await record(
        "milestone.payment",
        actor=actor,
        object_type="milestone",
        object_id=milestone["id"],
        payload={
            "amount_cents": amount_cents,
            "paid_on": paid_on.isoformat(),
            "reference": reference.strip(),
        },
    )
    if fully and not await Milestone.exists().where(
        (Milestone.partnership == partnership["id"]) & (Milestone.status != "paid")
    ):
        await transition(actor, partnership["id"], "completed", {Partnership.completed_at: now})
    return payment


async def record_payment(
    actor, milestone_id: UUID, *, amount_cents: int, paid_on: date, reference: str
) -> dict:
    """Finance records a payment for an approved milestone; never by someone who approved it,
    never above the tranche or the contract total. A fully paid milestone becomes paid; the
    partnership completes when every milestone is paid."""
    if not policies.may_record_payments(actor):
        raise Problem(403, "forbidden", N_("Payments are recorded by finance."))
    await stepup.require_recent_sign_in(actor)
    if amount_cents <= 0:
        raise invalid([FieldError("amount_cents", N_("A payment must be more than zero."))])
    if len(reference) > 100:
        raise invalid(
            [FieldError("reference", N_("The reference is too long (at most 100 characters)."))]
        )
    async with db.write_transaction():
        await db.lock_row(Milestone, milestone_id)
        milestone, partnership = await milestone_context(milestone_id)
        await db.lock_row(Partnership, partnership["id"])
        check_paid_on(paid_on, partnership)
        await _check_payable(actor, milestone, partnership, amount_cents)
        payment = await _book(
            actor,
            milestone,
            partnership,
            amount_cents=amount_cents,
            paid_on=paid_on,
            reference=reference,
        )
    return await Payment.select().where(Payment.id == payment.id).first()
