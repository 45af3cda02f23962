"""Conflicts set and lifted by staff: a staff conflict is locked (the juror cannot take it
back); lifting keeps the conflict on record with the reason."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.jury.conflicts import add_conflict, invalid
from challenge.jury.tables import Conflict
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import not_found


async def staff_conflict(
    actor, call: dict, *, juror_id: UUID, submission_id: UUID, reason: str
) -> dict:
    """Staff set a conflict between a juror and an entry (with a reason); it recuses the
    assignment and only staff can lift it."""
    if len(reason.strip()) < 3:
        raise invalid("reason", N_("Give a reason."))
    return await add_conflict(call, juror_id, submission_id, reason.strip(), "staff", actor)


async def lift_conflict(actor, call: dict, conflict_id: UUID, reason: str) -> None:
    """Staff lift a standing conflict of the call with a reason (audited)."""
    if len(reason.strip()) < 3:
        raise invalid("reason", N_("Give a reason."))
    async with db.write_transaction():
        updated = (
            await Conflict.update(
                {Conflict.lifted_at: clock.now(), Conflict.lift_reason: reason.strip()}
            )
            .where(
                (Conflict.id == conflict_id)
                & (Conflict.call == call["id"])
                & Conflict.lifted_at.is_null()
            )
            .returning(Conflict.id)
        )
        if not updated:
            raise not_found(N_("Conflict not found"))
        await record(
            "jury.conflict_lifted",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"conflict": str(conflict_id), "reason": reason.strip()},
        )
