"""Running the assignment algorithm (``jury.assignment``) for a round, and staff adding or
removing single assignments."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.jury.access import is_team_member, member_pairs
from challenge.jury.assignment import AssignmentImpossible, Entry, assign_per_challenge
from challenge.jury.assignment import Juror as JurorSpec
from challenge.jury.conflicts import active_conflicts, recuse
from challenge.jury.rounds import entries_of_round
from challenge.jury.scope import covers, in_scope, titles
from challenge.jury.services import round_of
from challenge.jury.tables import Assignment, Juror, Round
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.submissions.tables import Submission


async def eligible_jurors(call: dict, number: int) -> list[dict]:
    """Jurors of the round who have completed their declaration."""
    rows = (
        await Juror.select()
        .output(load_json=True)
        .where((Juror.call == call["id"]) & Juror.declaration_completed_at.is_not_null())
    )
    return [row for row in rows if number in (row["rounds"] or [1])]


def _check_reviews_per_submission(k: int) -> None:
    if not 1 <= k <= 20:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("reviews_per_submission", N_("Choose between 1 and 20."))],
        )


async def _active_pairs(round_id: UUID) -> list[dict]:
    """The round's assignments that still count (recused ones do not)."""
    return await Assignment.select(Assignment.id, Assignment.juror, Assignment.submission).where(
        (Assignment.round == round_id) & (Assignment.status != "recused")
    )


def _solve(
    submissions: list[dict], jurors: list[dict], k: int, conflicts: set, existing: set
) -> list[tuple]:
    """The algorithm's new pairs (a juror only gets entries of their challenges); an impossible
    round becomes a 422 naming the entries (and the challenge)."""
    try:
        return assign_per_challenge(
            [
                Entry(s["id"], s["category"], str(s["challenge"]) if s.get("challenge") else None)
                for s in submissions
            ],
            [
                JurorSpec(
                    j["user"],
                    frozenset(j["expertise"] or []),
                    frozenset(str(c) for c in j.get("challenges") or []),
                )
                for j in jurors
            ],
            k,
            conflicts,
            existing,
        )
    except AssignmentImpossible as error:
        references = {s["id"]: s["reference"] for s in submissions}
        raise Problem(
            422,
            "assignment_impossible",
            N_("The assignment is not possible with these jurors and conflicts."),
            extra={
                "reason": error.reason,
                "entries": [references.get(e, str(e)) for e in error.entries],
                "jurors": [str(j) for j in error.jurors],
                "challenge": error.challenge,
            },
        ) from None


async def _store(
    actor, call: dict, round_: dict, k: int, pairs: list[tuple], stale: list[dict]
) -> None:
    """Recuse stale assignments, save the new pairs and the round's k, in one transaction."""
    async with db.write_transaction():
        for a in stale:
            await recuse(call["id"], a["juror"], a["submission"])
        for juror_id, submission_id in pairs:
            await Assignment(
                round=round_["id"], juror=juror_id, submission=submission_id, created_at=clock.now()
            ).save()
        await Round.update({Round.reviews_per_submission: k}).where(Round.id == round_["id"])
        await record(
            "jury.assigned",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"round": round_["number"], "k": k, "new": len(pairs)},
        )


async def auto_assign(actor, call: dict, *, number: int, reviews_per_submission: int) -> dict:
    """Fill every entry up to k reviewers — balanced, conflict-free; a re-run only fills gaps."""
    _check_reviews_per_submission(reviews_per_submission)
    round_ = await round_of(call, number)
    jurors = await eligible_jurors(call, number)
    submissions = await entries_of_round(call, round_)
    # a juror never gets an entry of their own team, whatever the declaration says
    members = await member_pairs([j["user"] for j in jurors], submissions)
    conflicts = {
        (c["juror"], c["submission"]) for c in await active_conflicts(call["id"])
    } | members
    current = await _active_pairs(round_["id"])
    stale = [
        a for a in current if (a["juror"], a["submission"]) in members
    ]  # joined the team later
    existing = {(a["juror"], a["submission"]) for a in current} - members
    if not jurors:
        raise Problem(
            422, "assignment_impossible", N_("No juror has completed the declaration yet.")
        )
    pairs = _solve(submissions, jurors, reviews_per_submission, conflicts, existing)
    await _store(actor, call, round_, reviews_per_submission, pairs, stale)
    return {"round": number, "created": len(pairs), "total": len(existing) + len(pairs)}


async def _check_assignable(call: dict, juror_id: UUID, submission_id: UUID) -> None:
    """A submitted entry of the call, a juror of the call judging the entry's challenge, and no
    conflict between them."""
    entry = (
        await Submission.select(Submission.id, Submission.organisation, Submission.challenge)
        .where(
            (Submission.id == submission_id)
            & (Submission.call == call["id"])
            & (Submission.status == "submitted")
        )
        .first()
    )
    if entry is None:
        raise not_found(N_("Submission not found"))
    conflicted = {
        (c["juror"], c["submission"]) for c in await active_conflicts(call["id"], juror_id)
    }
    if (juror_id, submission_id) in conflicted or await is_team_member(
        juror_id, entry["organisation"]
    ):
        raise Problem(
            422,
            "conflict_of_interest",
            N_("This juror has a conflict of interest with this entry."),
        )
    juror = (
        await Juror.select(Juror.challenges)
        .where((Juror.call == call["id"]) & (Juror.user == juror_id))
        .output(load_json=True)
        .first()
    )
    if juror is None:
        raise not_found(N_("Juror not found"))
    if not covers(juror["challenges"], entry["challenge"]):
        raise Problem(
            422,
            "outside_challenges",
            N_("This juror judges other challenges than this entry's."),
        )


async def add_assignment(
    actor, call: dict, *, number: int, juror_id: UUID, submission_id: UUID
) -> dict:
    """Staff give one juror one entry by hand; never a conflicted pair, never twice."""
    round_ = await round_of(call, number)
    await _check_assignable(call, juror_id, submission_id)
    async with db.write_transaction():
        if await Assignment.exists().where(
            (Assignment.round == round_["id"])
            & (Assignment.juror == juror_id)
            & (Assignment.submission == submission_id)
        ):
            raise Problem(409, "already_assigned", N_("This juror already has this entry."))
        assignment = Assignment(
            round=round_["id"], juror=juror_id, submission=submission_id, created_at=clock.now()
        )
        await assignment.save()
        await record(
            "jury.assignment_added",
            actor=actor,
            object_type="submission",
            object_id=submission_id,
            payload={"juror": str(juror_id), "round": number},
        )
    return assignment.to_dict()


async def remove_assignment(actor, call: dict, assignment_id: UUID) -> None:
    """Staff take one assignment of the call back (404 if it is not one of the call's)."""
    rounds = [r["id"] for r in await Round.select(Round.id).where(Round.call == call["id"])]
    async with db.write_transaction():
        deleted = (
            await Assignment.delete()
            .where(
                (Assignment.id == assignment_id) & Assignment.round.is_in(rounds or [UUID(int=0)])
            )
            .returning(Assignment.id)
        )
        if not deleted:
            raise not_found(N_("Assignment not found"))
        await record(
            "jury.assignment_removed",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"assignment": str(assignment_id)},
        )


async def assignments_of(user, call_id: UUID | None = None) -> list[dict]:
    """A juror's open and done assignments (recused ones left out), of one call or of all."""
    query = Assignment.select(
        Assignment.id,
        Assignment.status,
        Assignment.submission,
        Assignment.round.number.as_alias("round"),
        Assignment.round.call.slug.as_alias("call"),
        Assignment.round.call.as_alias("call_id"),
        Assignment.submission.title.as_alias("title"),
        Assignment.submission.challenge.as_alias("challenge"),
    ).where((Assignment.juror == user.id) & (Assignment.status != "recused"))
    if call_id is not None:
        query = query.where(Assignment.round.call == call_id)
    rows = await query
    scopes = {
        j["call"]: j
        for j in await Juror.select(Juror.call, Juror.challenges)
        .where(Juror.user == user.id)
        .output(load_json=True)
    }
    # only entries of the juror's challenges (``scope.covers``), whatever was assigned
    return [r for r in rows if in_scope(scopes.get(r["call_id"], {}), [r])]


async def visible_assignments(user, call: dict, juror: dict) -> list[dict]:
    """A juror's assignments of the call — none before their declaration is complete — with
    the challenge's title on a call with challenges."""
    if juror["declaration_completed_at"] is None:
        return []
    rows = await assignments_of(user, call["id"])
    named = await titles(call["id"])
    for row in rows:
        row["challenge_title"] = named.get(str(row["challenge"]), {}).get("title", "")
    return rows
