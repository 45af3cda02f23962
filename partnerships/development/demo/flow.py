"""Steps the development demo takes like the people would: staff send an agreement, it comes
back countersigned, two staff approve a milestone, finance pays it (the services' own rules
apply; nothing is written around them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.tables import User
from challenge.platform.storage import storage_from_settings
from partnerships.contracts import services as contracts
from partnerships.contracts import signing
from partnerships.contracts.schemas import MilestoneIn, PlanIn
from partnerships.development.demo.current import at_berlin
from partnerships.milestones import payments
from partnerships.milestones import services as delivery
from partnerships.tables import Milestone, Partnership


@dataclass(frozen=True)
class Cast:
    """Who acts in the demo: two staff members (four eyes) and finance."""

    staff: CurrentUser
    admin: CurrentUser
    finance: CurrentUser


async def actor(email: str, role: str | None = None) -> CurrentUser:
    """The demo person with this address as the portal sees them once signed in."""
    row = await User.select().where(User.email == email).first()
    return CurrentUser(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        locale=row["locale"] or "de",
        affiliation="",
        roles=frozenset({role} if role else ()),
    )


async def cast() -> Cast:
    """Staff, admin and finance of the demo."""
    return Cast(
        staff=await actor("staff@demo.leipzig.de", "staff"),
        admin=await actor("admin@demo.leipzig.de", "admin"),
        finance=await actor("finance@demo.leipzig.de", "finance"),
    )


async def partnerships_of(call_id, kind: str) -> list[dict]:
    """The call's partnerships of one kind, by number."""
    return (
        await Partnership.select()
        .where((Partnership.call == call_id) & (Partnership.kind == kind))
        .order_by(Partnership.number)
    )


async def reschedule(people: Cast, partnership: dict, start: date, end: date, dues) -> dict:
    """Staff move a draft's period and its milestones' due dates (e.g. when a pilot started
    later than planned)."""
    milestones = [
        m for m in await contracts.milestones_of(partnership["id"]) if m["kind"] == "regular"
    ]
    plan = PlanIn(
        title=partnership["title"],
        scope=partnership["scope"],
        city_unit=partnership["city_unit"],
        start_date=start,
        end_date=end,
        total_cents=partnership["total_cents"],
        milestones=[
            MilestoneIn(
                title=m["title"],
                deliverables=m["deliverables"],
                due_date=due,
                amount_cents=m["amount_cents"],
            )
            for m, due in zip(milestones, dues, strict=True)
        ],
    )
    await contracts.update_plan(people.staff, partnership["id"], plan)
    await Milestone.update({Milestone.due_date: end}).where(
        (Milestone.partnership == partnership["id"]) & (Milestone.kind == "open_source_bonus")
    )
    return await contracts.get(partnership["id"])


async def sign(people: Cast, partnership_id, settings) -> None:
    """Staff send the contract; it comes back countersigned (the demo signs the issued PDF)."""
    storage = storage_from_settings(settings)
    await contracts.send(people.staff, partnership_id, storage=storage, settings=settings)
    document = await contracts.contract_document(people.staff, partnership_id)
    await signing.signed_copy(people.staff, partnership_id, document)


async def approve_and_pay(people: Cast, milestone: dict, paid_on: date, reference: str) -> None:
    """Two staff members approve the submitted milestone on the two days before ``paid_on``;
    finance records its payment on that day (the clock set to each moment, never ahead of the
    real time, so evidence, approvals and payment follow one another as in the portal)."""
    real = clock.now()
    days = (2, 1)
    moments = [
        min(at_berlin(paid_on - timedelta(days=d), 10), real - timedelta(days=d)) for d in days
    ]
    for reviewer, moment in zip((people.staff, people.admin), moments, strict=True):
        with clock.frozen(moment):
            await delivery.review(reviewer, milestone["id"], "approve", "")
    with clock.frozen(min(at_berlin(paid_on, 11), real)):
        await payments.record_payment(
            people.finance,
            milestone["id"],
            amount_cents=milestone["amount_cents"],
            paid_on=paid_on,
            reference=reference,
        )


async def pay_stipends(
    people: Cast, call_id, settings, phase: dict, paid_on: date, prefix: str
) -> int:
    """Every drafted stipend agreement of the call on the phase's dates, sent, countersigned,
    approved and paid."""
    count = 0
    for number, stipend in enumerate(await partnerships_of(call_id, "stipend"), 1):
        if stipend["status"] != "draft":
            continue
        if stipend["start_date"] != phase["starts_on"]:
            await reschedule(
                people, stipend, phase["starts_on"], phase["ends_on"], [phase["starts_on"]]
            )
        # countersigned (the agreement is the stipend's evidence) before its approvals
        three_days = timedelta(days=3)
        with clock.frozen(min(at_berlin(paid_on - three_days, 9), clock.now() - three_days)):
            await sign(people, stipend["id"], settings)
        (milestone,) = await contracts.milestones_of(stipend["id"])
        await approve_and_pay(people, milestone, paid_on, f"{prefix}-{number:02d}")
        count += 1
    return count
