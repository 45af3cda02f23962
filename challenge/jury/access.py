"""What a juror may see: only assigned, unconflicted entries, and only after the declaration."""

from __future__ import annotations

from uuid import UUID

from challenge.jury.tables import Assignment, Conflict, Juror


async def juror_may_read(user, submission: dict, round_id: UUID | None = None) -> bool:
    """Assigned (not recused) — in the given round, or in any round of the call — with the
    declaration complete and no active conflict."""
    if user is None:
        return False
    juror = await Juror.select(Juror.declaration_completed_at).where(
        (Juror.call == submission["call"]) & (Juror.user == user.id)).first()
    if juror is None or juror["declaration_completed_at"] is None:
        return False
    if await Conflict.exists().where((Conflict.juror == user.id) & (Conflict.submission == submission["id"])
                                     & Conflict.lifted_at.is_null()):
        return False
    in_round = (Assignment.round == round_id) if round_id else (Assignment.round.call == submission["call"])
    return await Assignment.exists().where(
        in_round & (Assignment.juror == user.id) & (Assignment.submission == submission["id"])
        & (Assignment.status != "recused"))


async def is_juror_of(user, call_id: UUID) -> bool:
    return user is not None and await Juror.exists().where((Juror.call == call_id) & (Juror.user == user.id))
