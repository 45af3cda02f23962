"""Who may do what with units and challenges: staff run them, a unit's members draft its
challenges and, after the call's deadline, read the proposals to them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from challenge.challenges.tables import Challenge, UnitMember
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff


async def unit_ids_of(user) -> set[UUID]:
    """The units the person belongs to (the per-unit role ``unit``)."""
    if user is None:
        return set()
    rows = await UnitMember.select(UnitMember.unit).where(UnitMember.user == user.id)
    return {row["unit"] for row in rows}


# The area ``unit`` for members of any city unit (their navigation shows it).
AREAS = {"unit": f'EXISTS (SELECT 1 FROM {UnitMember._meta.tablename} m WHERE m."user" = {{user}})'}


async def is_unit_member(user, unit_id: UUID) -> bool:
    """Whether the person is a member of this unit."""
    return unit_id in await unit_ids_of(user)


def may_manage_units(user) -> bool:
    """Staff create units and invite their members."""
    return is_staff(user)


async def may_edit_challenge(user, challenge: dict) -> bool:
    """Staff, and the owning unit's members, edit a challenge's text."""
    return is_staff(user) or await is_unit_member(user, challenge["unit"])


async def may_read_challenge(user, challenge: dict) -> bool:
    """Drafts and their review history: staff and the owning unit only."""
    return await may_edit_challenge(user, challenge)


def may_review_challenge(user) -> bool:
    """The Referat (staff) comments, requests changes, approves or declines."""
    return is_staff(user)


def is_public(challenge: dict, call: dict | None) -> bool:
    """An approved challenge attached to a published call is public."""
    return bool(
        challenge["status"] == "approved" and call is not None and call["status"] != "draft"
    )


async def may_see_unit_proposals(user, challenge: dict, closes_at: datetime, now: datetime) -> bool:
    """The owning unit reads the proposals to its challenge after the deadline, never before."""
    if is_staff(user):
        return True
    return now >= closes_at and await is_unit_member(user, challenge["unit"])


async def may_see_unit_ranking(user, challenge: dict) -> bool:
    """The owning unit sees its challenge's ranking once staff release it to them."""
    if is_staff(user):
        return True
    return challenge.get("ranking_released_at") is not None and await is_unit_member(
        user, challenge["unit"]
    )


async def unit_reads_submission(user, submission: dict) -> bool:
    """A submission reader (``Domain.submission_readers``): the owning unit's members read the
    submitted proposals to their challenge once the call's deadline has passed."""
    if user is None or not submission.get("challenge") or submission.get("status") == "draft":
        return False
    row = (
        await Challenge.select(Challenge.unit, Challenge.call.closes_at.as_alias("closes_at"))
        .where(Challenge.id == submission["challenge"])
        .first()
    )
    if row is None or row["closes_at"] is None:
        return False
    return await may_see_unit_proposals(user, row, row["closes_at"], clock.now())


async def unit_page_links(user, challenge_id: UUID) -> dict:
    """Which of a challenge page's links lead somewhere for this person: the unit's own list
    (members of a unit; staff go back to theirs), and the proposals to it (the rule of
    :func:`may_see_unit_proposals`: staff, or the unit once the call's deadline has passed)."""
    row = (
        await Challenge.select(Challenge.unit, Challenge.call.closes_at.as_alias("closes_at"))
        .where(Challenge.id == challenge_id)
        .first()
    )
    proposals = bool(
        row
        and row["closes_at"] is not None
        and await may_see_unit_proposals(user, row, row["closes_at"], clock.now())
    )
    return {"unit_list": bool(await unit_ids_of(user)), "proposals": proposals}
