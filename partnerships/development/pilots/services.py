"""The pilot decision per challenge: at most one pilot (or none, with a rationale), taken from a
team's submitted offer. The decision creates a draft pilot contract prefilled from the offer's
plan and, for an open-source offer with an OSI-approved licence, a conditional bonus milestone.
The unique challenge of PilotDecision decides under races; a lock on the challenge lets the
losers answer 422 ``one_pilot_per_challenge`` instead of failing."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from uuid import UUID

from challenge import db
from challenge.challenges.tables import Challenge
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.audit.service import record
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.problems import FieldError, Problem, forbidden, not_found
from partnerships.contracts.creation import insert
from partnerships.contracts.schemas import MilestoneIn, PartnershipIn
from partnerships.development import access, rules
from partnerships.development.phase import phase_of
from partnerships.development.schemas import PilotIn
from partnerships.development.tables import Offer, PilotDecision
from partnerships.tables import Milestone

BONUS_TITLE = "Open-Source-Bonus"
BONUS_DELIVERABLES = (
    "Veröffentlichung des Quellcodes in einem öffentlichen Repository unter der im Angebot "
    "genannten OSI-anerkannten Lizenz (Release-Tag oder Commit)."
)
ONE_PILOT = N_("This challenge has a pilot decision already.")
TEXT_MAX, TITLE_MAX = 10_000, 200


def one_pilot() -> Problem:
    """The 422 answer when the challenge is decided already."""
    return Problem(422, "one_pilot_per_challenge", ONE_PILOT)


def _field(code: str, field: str, message: str) -> Problem:
    return Problem(422, code, message, errors=[FieldError(field, message)])


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (the last day of a shorter month if needed)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(start: date, month: int) -> date:
    """The last day of the ``month``-th month counted from ``start``."""
    return add_months(start, month) - timedelta(days=1)


async def _challenge(call: dict, key: str) -> dict:
    row = (
        await Challenge.select(
            Challenge.id,
            Challenge.key,
            Challenge.title,
            Challenge.unit.name.as_alias("unit_name"),
            Challenge.pilot_budget_cents,
            Challenge.pilot_months,
        )
        .where((Challenge.call == call["id"]) & (Challenge.key == key))
        .first()
    )
    if row is None:
        raise _field("validation_error", "challenge", N_("Choose a challenge of this call."))
    return row


async def submitted_offer(submission_id: UUID, challenge: dict) -> tuple[dict, dict]:
    """(entry, offer) of a team selected for the development phase in ``challenge`` whose offer
    is submitted — else 422."""
    entry = await access.selected_entry(submission_id)
    if entry is None or entry["challenge"]["id"] != challenge["id"]:
        raise _field(
            "not_selected",
            "submission_id",
            N_("Choose a team of this challenge selected for the development phase."),
        )
    offer = (
        await Offer.select().where(Offer.submission == submission_id).output(load_json=True).first()
    )
    if offer is None or offer["status"] != "submitted":
        raise _field(
            "offer_not_submitted", "submission_id", N_("A pilot starts from a submitted offer.")
        )
    if offer["total_cents"] > challenge["pilot_budget_cents"]:
        raise _field(
            "exceeds_budget", "submission_id", N_("The offer exceeds the challenge's pilot budget.")
        )
    return entry, offer


def contract_from_offer(
    entry: dict, offer: dict, challenge: dict, start: date, bonus_cents: int
) -> PartnershipIn:
    """The draft pilot contract as the offer plans it (the bonus milestone is added apart)."""
    end = month_end(start, max(1, offer["months"]))
    plan = sorted(offer["milestones"] or [], key=lambda m: int(m.get("month") or 1))
    scope = "\n\n".join(t.strip() for t in (offer["scope"], offer["goals"]) if t and t.strip())
    return PartnershipIn(
        submission_id=entry["id"],
        title=entry["title"][:TITLE_MAX],
        scope=scope[:TEXT_MAX],
        city_unit=(challenge["unit_name"] or "")[:TITLE_MAX],
        start_date=start,
        end_date=end,
        total_cents=offer["total_cents"] + bonus_cents,
        milestones=[
            MilestoneIn(
                title=str(m["title"])[:TITLE_MAX],
                deliverables=str(m.get("deliverables") or ""),
                due_date=min(month_end(start, max(1, int(m["month"]))), end),
                amount_cents=int(m["amount_cents"]),
            )
            for m in plan
        ],
    )


async def start_of(call: dict) -> date:
    """A pilot starts the day after the development phase ends, or today if that has passed."""
    phase = await phase_of(call)
    return max(phase["ends_on"] + timedelta(days=1), clock.now().astimezone(BERLIN).date())


async def bonus_of(call: dict, offer: dict) -> int:
    """The open-source bonus the contract gains: the call's cap, when the offer earns it."""
    if not rules.bonus_applies(offer["open_source"] or {}):
        return 0
    return max(0, (await phase_of(call))["bonus_cap_cents"])


async def _create_pilot(actor, call: dict, challenge: dict, data: PilotIn) -> UUID:
    """Inside the write transaction: the pilot contract (with the bonus milestone)."""
    entry, offer = await submitted_offer(data.submission_id, challenge)
    bonus = await bonus_of(call, offer)
    contract = contract_from_offer(entry, offer, challenge, await start_of(call), bonus)
    partnership = await insert(actor, contract, kind="pilot")
    if bonus:
        await Milestone(
            partnership=partnership["id"],
            position=len(contract.milestones) + 1,
            title=BONUS_TITLE,
            deliverables=BONUS_DELIVERABLES,
            due_date=contract.end_date,
            amount_cents=bonus,
            kind="open_source_bonus",
        ).save()
    return partnership["id"]


def _check(actor, data: PilotIn) -> None:
    if not is_staff(actor):
        raise forbidden()
    if not data.rationale.strip():
        raise _field("validation_error", "rationale", N_("Give a rationale for the decision."))


async def decide(actor, slug: str, data: PilotIn) -> dict:
    """Staff decide a challenge's pilot (a team's submitted offer) or that it has none; at most
    one decision per challenge. A pilot gets its draft contract from the offer."""
    _check(actor, data)
    call = await access.call_by_slug(slug)
    if call is None:
        raise not_found(N_("Call not found"))
    challenge = await _challenge(call, data.challenge)
    if data.submission_id is not None:
        await submitted_offer(data.submission_id, challenge)
    try:
        async with db.write_transaction():
            await db.lock_row(Challenge, challenge["id"])
            if await PilotDecision.exists().where(PilotDecision.challenge == challenge["id"]):
                raise one_pilot()
            decision = PilotDecision(
                call=call["id"],
                challenge=challenge["id"],
                submission=data.submission_id,
                rationale=data.rationale.strip(),
                decided_by=actor.id,
                decided_at=clock.now(),
            )
            await decision.save()
            partnership_id = None
            if data.submission_id is not None:
                partnership_id = await _create_pilot(actor, call, challenge, data)
                await PilotDecision.update({PilotDecision.partnership: partnership_id}).where(
                    PilotDecision.id == decision.id
                )
            await record(
                "pilot.decided",
                actor=actor,
                object_type="challenge",
                object_id=challenge["id"],
                payload={
                    "submission": str(data.submission_id) if data.submission_id else None,
                    "partnership": str(partnership_id) if partnership_id else None,
                    "rationale": data.rationale.strip(),
                },
            )
    except Exception as error:
        if db.is_unique_violation(error):
            raise one_pilot() from None
        raise
    return await decision_of(challenge["id"])


async def decision_of(challenge_id: UUID) -> dict | None:
    """The challenge's pilot decision as the API shows it, or None."""
    row = (
        await PilotDecision.select(
            PilotDecision.id,
            PilotDecision.challenge.key.as_alias("challenge"),
            PilotDecision.submission.as_alias("submission_id"),
            PilotDecision.submission.reference.as_alias("reference"),
            PilotDecision.rationale,
            PilotDecision.partnership.as_alias("partnership_id"),
            PilotDecision.decided_at,
        )
        .where(PilotDecision.challenge == challenge_id)
        .first()
    )
    if row is not None:
        row["pilot"] = row["submission_id"] is not None
    return row


async def overview(actor, slug: str) -> tuple[dict, list[dict]]:
    """(call, per challenge: its key, title, budget, the selected teams with their offer's
    status and total, and the decision if taken) — staff only."""
    if not is_staff(actor):
        raise forbidden()
    call = await access.call_by_slug(slug)
    if call is None:
        raise not_found(N_("Call not found"))
    challenges = (
        await Challenge.select(
            Challenge.id, Challenge.key, Challenge.title, Challenge.pilot_budget_cents
        )
        .where((Challenge.call == call["id"]) & Challenge.key.is_not_null())
        .order_by(Challenge.position)
    )
    selected = await access.selected_of_call(call["id"])
    offers = {
        o["submission"]: o
        for o in await Offer.select(Offer.submission, Offer.status, Offer.total_cents).where(
            Offer.submission.is_in([s["id"] for s in selected] or [UUID(int=0)])
        )
    }
    result = []
    for challenge in challenges:
        teams = [
            {**s, "offer": offers.get(s["id"])}
            for s in selected
            if s["challenge"] == challenge["id"]
        ]
        result.append({**challenge, "teams": teams, "decision": await decision_of(challenge["id"])})
    return call, result
