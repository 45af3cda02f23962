"""What a juror may see: only assigned, unconflicted entries, and only after the declaration."""

from __future__ import annotations

from uuid import UUID

from challenge.jury.tables import Assignment, Conflict, Juror, Round


async def juror_may_read(user, submission: dict) -> bool:
    """Assigned (not recused), declaration complete, and no active conflict."""
    if user is None:
        return False
    juror = await Juror.select(Juror.declaration_completed_at).where(
        (Juror.call == submission["call"]) & (Juror.user == user.id)).first()
    if juror is None or juror["declaration_completed_at"] is None:
        return False
    if await Conflict.exists().where((Conflict.juror == user.id) & (Conflict.submission == submission["id"])
                                     & Conflict.lifted_at.is_null()):
        return False
    rounds = [r["id"] for r in await Round.select(Round.id).where(Round.call == submission["call"])]
    return bool(rounds) and await Assignment.exists().where(
        Assignment.round.is_in(rounds) & (Assignment.juror == user.id) & (Assignment.submission == submission["id"])
        & (Assignment.status != "recused"))


async def assigned_in_round(user, submission_id: UUID, round_id: UUID) -> bool:
    """The juror reviews this entry in this round (an unrecused assignment of the round)."""
    return user is not None and await Assignment.exists().where(
        (Assignment.round == round_id) & (Assignment.juror == user.id) & (Assignment.submission == submission_id)
        & (Assignment.status != "recused"))


async def is_juror_of(user, call_id: UUID) -> bool:
    return user is not None and await Juror.exists().where((Juror.call == call_id) & (Juror.user == user.id))
