"""Who hears of the pitch day and what they see of it: staff see every slot with names; the
jurors of round 2 every slot (on a blind call by reference only); a selected team's members
their own slot and the day; anyone else nothing (404)."""

from __future__ import annotations

from uuid import UUID

from challenge.jury.tables import Assignment, Juror
from challenge.organisations.tables import Membership
from challenge.platform.accounts.policies import is_staff

ROUND = 2


async def round_jurors(call_id: UUID) -> list[dict]:
    """The jurors serving in round 2: user, name, e-mail, locale, challenges, declaration."""
    rows = (
        await Juror.select(
            Juror.user,
            Juror.rounds,
            Juror.challenges,
            Juror.declaration_completed_at,
            Juror.user.name.as_alias("name"),
            Juror.user.email.as_alias("email"),
            Juror.user.locale.as_alias("locale"),
        )
        .where(Juror.call == call_id)
        .output(load_json=True)
    )
    return [r for r in rows if ROUND in (r["rounds"] or [1])]


async def members_of(organisation_ids) -> list[dict]:
    """The members of these teams: organisation, user, name, e-mail, locale."""
    ids = list(set(organisation_ids))
    if not ids:
        return []
    return await Membership.select(
        Membership.organisation,
        Membership.user,
        Membership.user.name.as_alias("name"),
        Membership.user.email.as_alias("email"),
        Membership.user.locale.as_alias("locale"),
    ).where(Membership.organisation.is_in(ids))


async def is_round_juror(user, call_id: UUID) -> bool:
    """A juror of the call who serves in round 2."""
    if user is None:
        return False
    row = (
        await Juror.select(Juror.rounds)
        .where((Juror.call == call_id) & (Juror.user == user.id))
        .output(load_json=True)
        .first()
    )
    return row is not None and ROUND in (row["rounds"] or [1])


async def juror_slots(user_id: UUID, call_id: UUID, slots: list[dict]) -> list[dict]:
    """The slots of the teams a juror scores in round 2 (assigned: declaration done, no
    conflict, their challenges); the day itself is theirs to see either way."""
    assigned = {
        row["submission"]
        for row in await Assignment.select(Assignment.submission).where(
            (Assignment.juror == user_id)
            & (Assignment.round.call == call_id)
            & (Assignment.round.number == ROUND)
        )
    }
    return [s for s in slots if s["submission_id"] in assigned]


async def view_for(user, call: dict, shown: dict) -> tuple[list[dict], bool] | None:
    """The slots ``user`` sees and whether with names — None: nothing (the caller answers 404)."""
    if user is None:
        return None
    if is_staff(user):
        return shown["slots"], True
    if await is_round_juror(user, call["id"]):
        return await juror_slots(user.id, call["id"], shown["slots"]), not shown["blind"]
    teams = {
        m["organisation"]
        for m in await Membership.select(Membership.organisation).where(Membership.user == user.id)
    }
    own = [s for s in shown["slots"] if s["organisation"] in teams]
    return (own, True) if own else None
