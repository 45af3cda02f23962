"""Further jury rounds (e.g. a final jury at a pitch event) with their own rubric, jurors and
shortlist of entries."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from challenge import db
from challenge.calls.editing import _validate_criteria
from challenge.calls.schemas import Criterion
from challenge.jury.scope import challenge_ids_for, covers
from challenge.jury.services import round_of
from challenge.jury.tables import Assignment, Juror, Round, RoundEntry
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.platform.security.limits import Name, Place
from challenge.submissions.tables import Submission


class RoundIn(msgspec.Struct, kw_only=True):
    number: int
    name: Name
    criteria: list[Criterion]
    reviews_per_submission: int = 3
    ends_at: datetime | None = None
    event_at: datetime | None = None
    event_place: Place = ""
    share_scores: bool = False


class JurorRoundsIn(msgspec.Struct, kw_only=True):
    rounds: list[int]
    expertise: list[str] = msgspec.field(default_factory=list)
    # keys of the challenges the juror judges ([]: the whole call); None keeps them
    challenges: list[str] | None = None


class ShortlistIn(msgspec.Struct):
    submission_ids: list[UUID]


def _invalid(errors: list[FieldError]) -> Problem:
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )


async def create_round(actor, call: dict, data: RoundIn) -> dict:
    """A later round with its own rubric; round 1 comes from the call itself."""
    errors = _validate_criteria(data.criteria)
    if not 2 <= data.number <= 10:
        errors.append(FieldError("number", N_("Later rounds are numbered 2 to 10.")))
    if not data.name.strip():
        errors.append(FieldError("name", N_("Enter a name.")))
    if errors:
        raise _invalid(errors)
    await round_of(call, 1)
    async with db.write_transaction():
        if await Round.exists().where((Round.call == call["id"]) & (Round.number == data.number)):
            raise Problem(409, "round_exists", N_("This round exists already."))
        await Round(
            call=call["id"],
            number=data.number,
            name=data.name.strip(),
            criteria=msgspec.to_builtins(data.criteria),
            reviews_per_submission=data.reviews_per_submission,
            ends_at=data.ends_at,
            event_at=data.event_at,
            event_place=data.event_place.strip(),
            share_scores=data.share_scores,
            created_at=clock.now(),
        ).save()
        await record(
            "jury.round_created",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"round": data.number, "name": data.name.strip()},
        )
    return await round_of(call, data.number)


async def set_juror_rounds(actor, call: dict, user_id: UUID, data: JurorRoundsIn) -> dict:
    """Which rounds a juror serves in, their expertise (preferred categories) and, if named,
    the challenges they judge (409 ``assignments_outside`` while they hold assignments to
    entries of other challenges)."""
    if not data.rounds or any(not 1 <= n <= 10 for n in data.rounds):
        raise _invalid([FieldError("rounds", N_("Name the rounds, 1 to 10."))])
    changes = {Juror.rounds: sorted(set(data.rounds)), Juror.expertise: data.expertise}
    if data.challenges is not None:
        changes[Juror.challenges] = await challenge_ids_for(call, data.challenges)
    async with db.write_transaction():
        if data.challenges is not None:
            await _refuse_assignments_outside(call, user_id, changes[Juror.challenges])
        updated = (
            await Juror.update(changes)
            .where((Juror.call == call["id"]) & (Juror.user == user_id))
            .returning(Juror.id)
        )
        if not updated:
            raise not_found(N_("Juror not found"))
        await record(
            "jury.juror_rounds",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"juror": str(user_id), "rounds": data.rounds, "challenges": data.challenges},
        )
    out = {"rounds": sorted(set(data.rounds)), "expertise": data.expertise}
    if data.challenges is not None:
        out["challenges"] = sorted(set(data.challenges))
    return out


async def _refuse_assignments_outside(call: dict, user_id: UUID, challenge_ids: list[str]) -> None:
    """A juror keeps only assignments their challenges cover: narrowing them first needs the
    others removed (so no review is lost unseen)."""
    held = await Assignment.select(
        Assignment.submission.challenge.as_alias("challenge"),
        Assignment.submission.reference.as_alias("reference"),
    ).where(
        (Assignment.juror == user_id)
        & (Assignment.submission.call == call["id"])
        & (Assignment.status != "recused")
    )
    outside = sorted(
        r["reference"] or "" for r in held if not covers(challenge_ids, r["challenge"])
    )
    if outside:
        raise Problem(
            409,
            "assignments_outside",
            N_("The juror holds assignments to entries of other challenges: remove them first."),
            extra={"entries": outside},
        )


async def set_shortlist(actor, call: dict, number: int, submission_ids: list[UUID]) -> list[UUID]:
    """The entries a later round scores (issue 7 fills this from the ranking)."""
    if number < 2:
        raise Problem(422, "validation_error", N_("Round 1 scores every submitted entry."))
    round_ = await round_of(call, number)
    valid = {
        r["id"]
        for r in await Submission.select(Submission.id).where(
            (Submission.call == call["id"]) & (Submission.status == "submitted")
        )
    }
    unknown = [str(s) for s in submission_ids if s not in valid]
    if unknown:
        raise _invalid(
            [
                FieldError(
                    "submission_ids", N_("Only submitted entries of this call can be shortlisted.")
                )
            ]
        )
    async with db.write_transaction():
        await RoundEntry.delete().where(RoundEntry.round == round_["id"])
        for submission_id in dict.fromkeys(submission_ids):
            await RoundEntry(
                round=round_["id"], submission=submission_id, created_at=clock.now()
            ).save()
        await record(
            "jury.shortlist",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"round": number, "entries": [str(s) for s in submission_ids]},
        )
    return list(dict.fromkeys(submission_ids))


async def entries_of_round(call: dict, round_: dict) -> list[dict]:
    """Round 1: every submitted entry; later rounds: their shortlist."""
    query = Submission.select(
        Submission.id,
        Submission.reference,
        Submission.category,
        Submission.organisation,
        Submission.challenge,
    ).where((Submission.call == call["id"]) & (Submission.status == "submitted"))
    if round_["number"] > 1:
        shortlisted = [
            r["submission"]
            for r in await RoundEntry.select(RoundEntry.submission).where(
                RoundEntry.round == round_["id"]
            )
        ]
        query = query.where(Submission.id.is_in(shortlisted or [UUID(int=0)]))
    return await query


_PUBLIC_EVENTS = (
    f"SELECT name, event_at, event_place FROM {Round._meta.tablename}"
    ' WHERE "call" = {} AND event_at IS NOT NULL ORDER BY number'
)


async def public_events(call_id: UUID) -> list[dict]:
    """Later rounds with an event date (a pitch) for the call page (raw SQL: on every call
    page, see db.raw_rows)."""
    return await db.raw_rows(Round, _PUBLIC_EVENTS, call_id)


async def rounds_of(call_id: UUID) -> list[dict]:
    """The call's rounds (number and name) in order."""
    return (
        await Round.select(Round.number, Round.name)
        .where(Round.call == call_id)
        .order_by(Round.number)
    )
