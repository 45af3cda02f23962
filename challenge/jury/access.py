"""What a juror may see: only assigned, unconflicted entries of the juror's challenges, and only
after the declaration. ``juror_may_read`` is the one decision: the review pages and API ask it,
and through ``Domain.submission_readers`` so do the proposal API and the document downloads."""

from __future__ import annotations

from uuid import UUID

from challenge.jury.scope import covers
from challenge.jury.tables import Assignment, Conflict, Juror
from challenge.organisations.tables import Membership
from challenge.submissions.tables import Submission


async def is_team_member(user_id: UUID, organisation_id: UUID) -> bool:
    return await Membership.exists().where(
        (Membership.user == user_id) & (Membership.organisation == organisation_id)
    )


async def member_pairs(juror_ids: list[UUID], entries: list[dict]) -> set[tuple[UUID, UUID]]:
    """(juror, entry) pairs where the juror belongs to the entry's team — never assignable,
    whatever the declaration says. ``entries`` carry ``id`` and ``organisation``."""
    if not juror_ids or not entries:
        return set()
    memberships = await Membership.select(Membership.user, Membership.organisation).where(
        Membership.user.is_in(list(juror_ids))
        & Membership.organisation.is_in(list({e["organisation"] for e in entries}))
    )
    teams: dict[UUID, set[UUID]] = {}
    for m in memberships:
        teams.setdefault(m["organisation"], set()).add(m["user"])
    return {(user, e["id"]) for e in entries for user in teams.get(e["organisation"], ())}


async def juror_may_read(user, submission: dict, round_id: UUID | None = None) -> bool:
    """Assigned (not recused) — in the given round, or in any round of the call — with the
    declaration complete, the entry in the juror's challenges (``scope.covers``), no active
    conflict and not a member of the entry's team."""
    if user is None:
        return False
    if await is_team_member(user.id, submission["organisation"]):
        return False
    juror = (
        await Juror.select(Juror.declaration_completed_at, Juror.challenges)
        .where((Juror.call == submission["call"]) & (Juror.user == user.id))
        .output(load_json=True)
        .first()
    )
    if juror is None or juror["declaration_completed_at"] is None:
        return False
    if not covers(juror["challenges"], await _challenge_of(submission)):
        return False
    if await Conflict.exists().where(
        (Conflict.juror == user.id)
        & (Conflict.submission == submission["id"])
        & Conflict.lifted_at.is_null()
    ):
        return False
    in_round = (
        (Assignment.round == round_id)
        if round_id
        else (Assignment.round.call == submission["call"])
    )
    return await Assignment.exists().where(
        in_round
        & (Assignment.juror == user.id)
        & (Assignment.submission == submission["id"])
        & (Assignment.status != "recused")
    )


async def _challenge_of(submission: dict):
    """The entry's challenge (None on a call without challenges), loaded if not given."""
    if "challenge" in submission:
        return submission["challenge"]
    row = (
        await Submission.select(Submission.challenge)
        .where(Submission.id == submission["id"])
        .first()
    )
    return row["challenge"] if row else None


async def is_juror_of(user, call_id: UUID) -> bool:
    return user is not None and await Juror.exists().where(
        (Juror.call == call_id) & (Juror.user == user.id)
    )
