"""Results per challenge: which challenge a ranking is about, who reads it (staff; the owning
unit once staff released it), releasing it, and the places of the development phase."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.calls.services import get_call
from challenge.calls.tables import Call
from challenge.challenges import placement
from challenge.challenges.policies import is_unit_member, may_see_unit_ranking
from challenge.challenges.tables import Challenge
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_, gettext
from challenge.platform.problems import FieldError, Problem, forbidden, not_found
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission

DEVELOPMENT = "development"
PLACES_EXCEEDED = N_("The development phase of “%(challenge)s” has only %(places)s places.")
NO_CHALLENGES = N_(
    "Only entries that answer a challenge can be selected for the development phase."
)


async def challenge_of(call: dict, key: str | None) -> dict | None:
    """The call's challenge by its key (404 if the call has none such); None without a key."""
    if not key:
        return None
    return await placement.by_key(call["id"], key)


async def challenges_of(call: dict) -> list[dict]:
    """The call's challenges in their order (empty on a call without challenges)."""
    return await placement.of_call(call["id"])


async def readable_ranking(user, slug: str, key: str | None) -> tuple[dict, dict | None]:
    """The call and challenge whose ranking ``user`` asks for. Staff read every ranking; the
    whole call's is staff's only (403), as is a challenge's until staff release it to the
    owning unit, whose members read it from then on."""
    if user is None:
        raise Problem(401, "not_authenticated", N_("Please log in."))
    if is_staff(user):
        call = await get_call(slug, include_drafts=True)
        return call, await challenge_of(call, key)
    if not key:
        raise forbidden(N_("You are not allowed to do this."))
    call = await get_call(slug, include_drafts=False)
    challenge = await challenge_of(call, key)
    if not await may_see_unit_ranking(user, challenge):
        raise forbidden(N_("The ranking of this challenge has not been released to you."))
    return call, challenge


async def unit_ranking(user, challenge_id: UUID) -> tuple[dict, dict]:
    """The call and challenge of the unit's ranking page: 404 for anyone but staff and the
    owning unit's members (no probing), 403 for those members until staff release it."""
    row = (
        await Challenge.select(Challenge.call, Challenge.key, Challenge.unit)
        .where((Challenge.id == challenge_id) & (Challenge.status == "approved"))
        .first()
    )
    if row is None or row["call"] is None or row["key"] is None:
        raise not_found(N_("Challenge not found"))
    if not (is_staff(user) or await is_unit_member(user, row["unit"])):
        raise not_found(N_("Challenge not found"))
    call = await Call.select().where(Call.id == row["call"]).output(load_json=True).first()
    challenge = await placement.by_key(call["id"], row["key"])
    if not await may_see_unit_ranking(user, challenge):
        raise forbidden(N_("The ranking of this challenge has not been released to you."))
    return call, challenge


async def release_ranking(actor, call: dict, key: str) -> dict:
    """Let the owning unit read its challenge's ranking (once; releasing again keeps the time)."""
    if not is_staff(actor):
        raise forbidden()
    challenge = await challenge_of(call, key)
    if challenge["ranking_released_at"] is None:
        now = clock.now()
        async with db.write_transaction():
            await Challenge.update({Challenge.ranking_released_at: now}).where(
                Challenge.id == challenge["id"]
            )
            await record(
                "results.ranking_released",
                actor=actor,
                object_type="challenge",
                object_id=challenge["id"],
                payload={"call": str(call["id"]), "key": key},
            )
        challenge = {**challenge, "ranking_released_at": now}
    return {
        "key": key,
        "title": challenge["title"],
        "ranking_released_at": challenge["ranking_released_at"],
    }


async def entry_challenge(submission_id: UUID) -> dict | None:
    """The challenge an entry answers (id, key, title, places, stipend), or None."""
    return (
        await Submission.select(
            Submission.challenge.id.as_alias("id"),
            Submission.challenge.key.as_alias("key"),
            Submission.challenge.title.as_alias("title"),
            Submission.challenge.places.as_alias("places"),
            Submission.challenge.stipend_cents.as_alias("stipend_cents"),
        )
        .where((Submission.id == submission_id) & Submission.challenge.is_not_null())
        .first()
    )


def development_errors(challenge: dict | None, award_cents: int) -> list[FieldError]:
    """A development decision needs an entry that answers a challenge, and its award is the
    challenge's stipend (0 stands for the stipend)."""
    if challenge is None:
        return [FieldError("outcome", NO_CHALLENGES)]
    if award_cents not in (0, challenge["stipend_cents"]):
        return [
            FieldError(
                "award_cents",
                N_("The stipend of a place in the development phase is set by the challenge."),
            )
        ]
    return []


async def check_places(challenge: dict, submission_id: UUID) -> None:
    """Inside the decision's write transaction: lock the challenge's row, then count its
    development places taken by other entries; one more than ``places`` → 422
    ``places_exceeded``. The lock makes parallel decisions count one after another (PostgreSQL;
    SQLite's write transaction already lets one writer in)."""
    await db.lock_row(Challenge, challenge["id"])
    taken = await Decision.count().where(
        (Decision.outcome == DEVELOPMENT)
        & (Decision.submission != submission_id)
        & (Decision.submission.challenge == challenge["id"])
    )
    if taken + 1 > challenge["places"]:
        extra = {
            "challenge": challenge["key"],
            "challenge_title": challenge["title"],
            "places": challenge["places"],
            "taken": taken,
        }
        raise Problem(
            422,
            "places_exceeded",
            PLACES_EXCEEDED,
            errors=[FieldError("outcome", PLACES_EXCEEDED)],
            extra=extra,
        )


def localised(problem: Problem, locale: str) -> Problem:
    """``places_exceeded`` names the challenge: its detail and field message are translated
    here with the challenge's title and places filled in (other problems pass unchanged)."""
    if problem.code != "places_exceeded":
        return problem
    values = {"challenge": problem.extra["challenge_title"], "places": problem.extra["places"]}
    problem.detail = gettext(problem.detail, locale, **values)
    problem.errors = [
        FieldError(e.field, gettext(e.message, locale, **values)) for e in problem.errors
    ]
    return problem
