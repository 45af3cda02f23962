"""A juror takes back a conflict mark before completing the declaration (with a reason, audited;
the mark stays on record as lifted). Membership and staff conflicts stay."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.jury.conflicts import invalid, is_locked, teams_of_user
from challenge.jury.services import require_juror
from challenge.jury.tables import Conflict
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem, not_found


async def withdraw_own_conflict(call: dict, user, conflict_id: UUID, reason: str = "") -> None:
    """Before completing the declaration a juror may take back a mark (suggested or own) with a
    reason (audited; the mark stays on record as lifted). Membership and staff conflicts stay. On
    a blind call the mark stands for the team: all its entries are taken back together."""
    juror = await require_juror(call, user)
    if juror["declaration_completed_at"] is not None:
        raise Problem(
            409,
            "declaration_complete",
            N_("The declaration is complete; ask the staff to lift a conflict."),
        )
    conflict = await _own_conflict(call, user, conflict_id)
    group = await _conflict_group(call, user, conflict)
    await _check_withdrawable(group, user, reason)
    await _lift(group, user, reason.strip())


def _with_team():
    """A select of conflicts with the organisation of the entry."""
    return Conflict.select(
        *Conflict.all_columns(), Conflict.submission.organisation.as_alias("organisation")
    )


async def _own_conflict(call: dict, user, conflict_id: UUID) -> dict:
    """The juror's standing conflict in this call, or 404."""
    conflict = (
        await _with_team()
        .where(
            (Conflict.id == conflict_id)
            & (Conflict.juror == user.id)
            & (Conflict.call == call["id"])
            & Conflict.lifted_at.is_null()
        )
        .first()
    )
    if conflict is None:
        raise not_found(N_("Conflict not found"))
    return conflict


async def _conflict_group(call: dict, user, conflict: dict) -> list[dict]:
    """What one mark stands for: the conflict itself, or on a blind call all the juror's
    standing conflicts with the same team."""
    if not call["blind_review"]:
        return [conflict]
    return await _with_team().where(
        (Conflict.juror == user.id)
        & (Conflict.call == call["id"])
        & Conflict.lifted_at.is_null()
        & (Conflict.submission.organisation == conflict["organisation"])
    )


async def _check_withdrawable(group: list[dict], user, reason: str) -> None:
    """No locked conflict in the group (403), and a reason (422)."""
    own_teams = await teams_of_user(user.id)
    if any(is_locked(c, c["organisation"], own_teams) for c in group):
        raise Problem(
            403,
            "conflict_locked",
            N_(
                "This conflict comes from your team membership or from the staff; it cannot be taken back."
            ),
        )
    if not reason.strip():
        raise invalid("reason", N_("Give a reason for taking the conflict back."))


async def _lift(group: list[dict], user, reason: str) -> None:
    """Lift every conflict of the group still standing, each audited."""
    async with db.write_transaction():
        for row in group:
            updated = (
                await Conflict.update(
                    {Conflict.lifted_at: clock.now(), Conflict.lift_reason: reason}
                )
                .where((Conflict.id == row["id"]) & Conflict.lifted_at.is_null())
                .returning(Conflict.id)
            )
            if updated:
                await record(
                    "jury.conflict_withdrawn",
                    actor=user,
                    object_type="submission",
                    object_id=row["submission"],
                    payload={
                        "conflict": str(row["id"]),
                        "juror": str(user.id),
                        "source": row["source"],
                        "reason": reason,
                    },
                )
