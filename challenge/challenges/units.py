"""City units and their members: created by staff, members invited by mail."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.challenges.policies import may_manage_units, unit_ids_of
from challenge.challenges.schemas import MemberIn, UnitIn
from challenge.challenges.tables import Unit, UnitMember
from challenge.platform import clock
from challenge.platform.accounts.invitations import check_invitation, invited_account
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.problems import FieldError, Problem, forbidden, not_found


async def create_unit(actor, data: UnitIn) -> dict:
    """A new unit; names are unique (409 ``unit_exists``)."""
    if not may_manage_units(actor):
        raise forbidden()
    name = " ".join(data.name.split())
    if not name:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("name", N_("Enter a name."))],
        )
    try:
        async with db.write_transaction():
            unit = Unit(name=name, kind=data.kind, created_at=clock.now())
            await unit.save()
            await record("unit.created", actor=actor, object_type="unit", object_id=unit.id)
    except Exception as error:
        if not db.is_unique_violation(error):
            raise
        raise Problem(409, "unit_exists", N_("A unit with this name exists already.")) from None
    return await get_unit(unit.id)


async def get_unit(unit_id: UUID) -> dict:
    """One unit with its number of members; 404 if unknown."""
    row = await Unit.select().where(Unit.id == unit_id).first()
    if row is None:
        raise not_found(N_("Unit not found"))
    row["members"] = await UnitMember.count().where(UnitMember.unit == unit_id)
    return row


async def list_units() -> list[dict]:
    """Every unit by name, with its number of members."""
    units = await Unit.select().order_by(Unit.name)
    counts: dict = {}
    for row in await UnitMember.select(UnitMember.unit):
        counts[row["unit"]] = counts.get(row["unit"], 0) + 1
    return [{**unit, "members": counts.get(unit["id"], 0)} for unit in units]


async def units_of(user) -> list[dict]:
    """The units the person belongs to, by name."""
    ids = await unit_ids_of(user)
    if not ids:
        return []
    return await Unit.select().where(Unit.id.is_in(list(ids))).order_by(Unit.name)


async def members_of(unit_id: UUID) -> list[dict]:
    """The unit's members with name and address."""
    return (
        await UnitMember.select(
            UnitMember.id,
            UnitMember.user.as_alias("user_id"),
            UnitMember.user.name.as_alias("name"),
            UnitMember.user.email.as_alias("email"),
            UnitMember.created_at,
        )
        .where(UnitMember.unit == unit_id)
        .order_by(UnitMember.created_at)
    )


async def add_member(actor, unit_id: UUID, data: MemberIn, *, base_url: str) -> dict:
    """Invite a person into the unit by mail; a new person gets an account (409 if a member)."""
    if not may_manage_units(actor):
        raise forbidden()
    unit = await get_unit(unit_id)
    email = await check_invitation(actor, data.email, data.name)
    try:
        async with db.write_transaction():
            user, set_password_link = await invited_account(email, data.name, base_url)
            member = UnitMember(
                unit=unit_id, user=user["id"], invited_by=actor.id, created_at=clock.now()
            )
            await member.save()
            await _mail_invitation(user, unit, set_password_link, base_url)
            await record(
                "unit.member_added",
                actor=actor,
                object_type="unit",
                object_id=unit_id,
                payload={"email": email},
            )
    except Exception as error:
        if not db.is_unique_violation(error):
            raise
        raise Problem(409, "already_member", N_("This person is already a member.")) from None
    return {"id": member.id, "user_id": user["id"], "email": email, "name": user["name"]}


async def _mail_invitation(user: dict, unit: dict, set_password_link, base_url: str) -> None:
    await enqueue(
        user["email"],
        "unit_invitation",
        locale=user["locale"],
        context={
            "name": user["name"],
            "unit": unit["name"],
            "link": f"{base_url}/unit/challenges",
            "set_password_link": set_password_link,
        },
    )


async def remove_member(actor, unit_id: UUID, member_id: UUID) -> None:
    """Take a person out of the unit (audited)."""
    if not may_manage_units(actor):
        raise forbidden()
    async with db.write_transaction():
        removed = (
            await UnitMember.delete()
            .where((UnitMember.id == member_id) & (UnitMember.unit == unit_id))
            .returning(UnitMember.user)
        )
        if not removed:
            raise not_found(N_("Member not found"))
        await record(
            "unit.member_removed",
            actor=actor,
            object_type="unit",
            object_id=unit_id,
            payload={"user": str(removed[0]["user"])},
        )


async def contacts_of(unit_id: UUID) -> list[dict]:
    """Name, address and language of the unit's members (for mails about its challenges)."""
    return await UnitMember.select(
        UnitMember.user.name.as_alias("name"),
        UnitMember.user.email.as_alias("email"),
        UnitMember.user.locale.as_alias("locale"),
    ).where(UnitMember.unit == unit_id)
