"""Decisions per entry with the budget guard (DESIGN §4); publishing the results and what is
published live in ``publication``."""

from __future__ import annotations

from uuid import UUID

from piccolo.query.functions.aggregate import Sum

from challenge import db
from challenge.calls.tables import Call
from challenge.platform import clock, domains
from challenge.platform.accounts import stepup
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.results.policies import decisions_frozen
from challenge.results.selection import (
    DEVELOPMENT,
    check_places,
    development_errors,
    entry_challenge,
)
from challenge.results.tables import OUTCOMES, Decision
from challenge.submissions.tables import Submission

AWARDED = ("winner", "runner_up")
OUTCOME_LABELS = {
    "winner": N_("Winner"),
    "runner_up": N_("Runner-up"),
    "shortlisted": N_("Shortlisted"),
    "development": N_("Development phase"),
    "not_selected": N_("Not selected"),
}
RATIONALE_MAX = 5000


def _invalid(errors: list[FieldError]) -> Problem:
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )


async def lock_call(call_id: UUID) -> dict:
    """Serialise budget checks and publishing of one call: its row stays locked until commit."""
    await db.lock_row(Call, call_id)
    rows = await Call.select(Call.status, Call.budget_cents, Call.results_published_at).where(
        Call.id == call_id
    )
    if not rows:
        raise not_found(N_("Call not found"))
    return rows[0]


async def decisions_of(call_id: UUID) -> list[dict]:
    """Every decision of the call, with who decided."""
    return await Decision.select(
        Decision.id,
        Decision.submission,
        Decision.outcome,
        Decision.award_cents,
        Decision.rationale,
        Decision.updated_at,
        Decision.decided_by.name.as_alias("decided_by_name"),
    ).where(Decision.call == call_id)


async def budget_of(call: dict) -> dict:
    """The call's budget, what the decisions award and what remains."""
    total = (
        await Decision.select(Sum(Decision.award_cents).as_alias("sum"))
        .where(Decision.call == call["id"])
        .first()
    )
    awarded = int((total or {}).get("sum") or 0)
    return {
        "budget_cents": call["budget_cents"],
        "awarded_cents": awarded,
        "remaining_cents": call["budget_cents"] - awarded,
    }


def _validate(call: dict, outcome: str, award_cents: int, rationale: str) -> list[FieldError]:
    errors = []
    if outcome not in OUTCOMES:
        errors.append(
            FieldError(
                "outcome",
                N_("Choose winner, runner-up, shortlisted, development phase or not selected."),
            )
        )
    if award_cents < 0:
        errors.append(FieldError("award_cents", N_("An award cannot be negative.")))
    elif outcome == DEVELOPMENT:
        pass  # the challenge's stipend (see _development)
    elif award_cents and outcome not in AWARDED:
        errors.append(
            FieldError("award_cents", N_("Only winners and runners-up receive an award."))
        )
    elif call.get("max_award_cents") and award_cents > call["max_award_cents"]:
        errors.append(FieldError("award_cents", N_("This is more than the call's maximum award.")))
    if len(rationale) > RATIONALE_MAX:
        errors.append(
            FieldError("rationale", N_("The rationale is too long (at most 5,000 characters)."))
        )
    if outcome in AWARDED and not rationale.strip():
        errors.append(FieldError("rationale", N_("Give a rationale for every award.")))
    return errors


async def set_decision(
    actor, call: dict, *, submission_id: UUID, outcome: str, award_cents: int, rationale: str
) -> dict:
    """Record or change an entry's outcome; the awards of a call never exceed its budget."""
    await stepup.require_recent_sign_in(actor)
    rationale = (rationale or "").strip()
    errors = _validate(call, outcome, award_cents, rationale)
    if errors:
        raise _invalid(errors)
    entry = await _entry_to_decide(call, submission_id)
    challenge = None
    if outcome == DEVELOPMENT:
        challenge, award_cents = await _development(submission_id, award_cents)
    async with db.write_transaction():
        locked = await lock_call(call["id"])
        _check_not_published(locked)
        if challenge is not None:
            await check_places(challenge, submission_id)
        await _check_budget(call, locked, submission_id, award_cents)
        before = await _save_decision(
            actor,
            call,
            submission_id=submission_id,
            outcome=outcome,
            award_cents=award_cents,
            rationale=rationale,
        )
        for _domain, hook in domains.each("decision_made"):
            await hook(actor, call, submission_id, outcome)
        await record(
            "results.decision",
            actor=actor,
            object_type="submission",
            object_id=submission_id,
            payload={
                "call": str(call["id"]),
                "reference": entry["reference"],
                "before": before,
                "outcome": outcome,
                "award_cents": award_cents,
                "rationale": rationale,
            },
        )
    row = await Decision.select().where(Decision.submission == submission_id).first()
    return row


async def _development(submission_id: UUID, award_cents: int) -> tuple[dict, int]:
    """The entry's challenge and the award of a development decision: the challenge's stipend,
    which the budget guard counts like any award. Rule: on a call without challenges (or for an
    entry that answers none) there is no development phase — 422 ``no_challenges`` rather than
    places without a limit and a stipend without an amount."""
    challenge = await entry_challenge(submission_id)
    errors = development_errors(challenge, award_cents)
    if challenge is None:
        raise Problem(422, "no_challenges", errors[0].message, errors=errors)
    if errors:
        raise _invalid(errors)
    return challenge, challenge["stipend_cents"]


async def _entry_to_decide(call: dict, submission_id: UUID) -> dict:
    """The call's entry (404) and it must be submitted (422)."""
    entry = (
        await Submission.select(Submission.status, Submission.reference)
        .where((Submission.id == submission_id) & (Submission.call == call["id"]))
        .first()
    )
    if entry is None:
        raise not_found(N_("Proposal not found"))
    if entry["status"] != "submitted":
        raise Problem(422, "not_submitted", N_("Only submitted entries can be decided."))
    return entry


def _check_not_published(locked: dict) -> None:
    """Decisions can no longer change once the results are published (409;
    ``policies.decisions_frozen``, which the pages ask too)."""
    if decisions_frozen(locked):
        raise Problem(
            409,
            "results_published",
            N_("The results are published; decisions can no longer change."),
        )


async def _check_budget(call: dict, locked: dict, submission_id: UUID, award_cents: int) -> None:
    """The other entries' awards plus this one stay within the call's budget (422)."""
    others = (
        await Decision.select(Sum(Decision.award_cents).as_alias("sum"))
        .where((Decision.call == call["id"]) & (Decision.submission != submission_id))
        .first()
    )
    committed = int((others or {}).get("sum") or 0)
    if committed + award_cents > locked["budget_cents"]:
        raise Problem(
            422,
            "budget_exceeded",
            N_("The awards would exceed the call's budget."),
            errors=[FieldError("award_cents", N_("The awards would exceed the call's budget."))],
            extra={
                "budget_cents": locked["budget_cents"],
                "committed_cents": committed,
                "available_cents": locked["budget_cents"] - committed,
            },
        )


async def _save_decision(
    actor, call: dict, *, submission_id: UUID, outcome: str, award_cents: int, rationale: str
) -> dict | None:
    """Insert or update the entry's decision; returns the decision as it was before (or None)."""
    before = (
        await Decision.select(Decision.outcome, Decision.award_cents, Decision.rationale)
        .where(Decision.submission == submission_id)
        .first()
    )
    if before is None:
        await Decision(
            call=call["id"],
            submission=submission_id,
            outcome=outcome,
            award_cents=award_cents,
            rationale=rationale,
            decided_by=getattr(actor, "id", None),
            created_at=clock.now(),
        ).save()
    else:
        await Decision.update(
            {
                Decision.outcome: outcome,
                Decision.award_cents: award_cents,
                Decision.rationale: rationale,
                Decision.decided_by: getattr(actor, "id", None),
            }
        ).where(Decision.submission == submission_id)
    return before


async def decide_rest_not_selected(actor, call: dict) -> int:
    """Record "not selected" for every submitted entry that has no decision yet."""
    async with db.write_transaction():
        locked = await lock_call(call["id"])
        _check_not_published(locked)
        decided = [
            r["submission"]
            for r in await Decision.select(Decision.submission).where(Decision.call == call["id"])
        ]
        query = Submission.select(Submission.id).where(
            (Submission.call == call["id"]) & (Submission.status == "submitted")
        )
        if decided:
            query = query.where(Submission.id.not_in(decided))
        rest = [r["id"] for r in await query]
        now = clock.now()
        for submission_id in rest:
            await Decision(
                call=call["id"],
                submission=submission_id,
                outcome="not_selected",
                award_cents=0,
                decided_by=getattr(actor, "id", None),
                created_at=now,
            ).save()
        if rest:
            await record(
                "results.rest_not_selected",
                actor=actor,
                object_type="call",
                object_id=call["id"],
                payload={"entries": [str(s) for s in rest]},
            )
    return len(rest)
