"""The name residents are shown by: chosen once, changeable, never their e-mail address.

A person who has not chosen one is shown by a neutral word ("Resident"); the account's own name is
not used either, since residents may not want it public."""

from __future__ import annotations

from uuid import UUID, uuid4

from challenge import db
from challenge.participation.tables import ParticipantProfile
from challenge.platform import clock
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem

NAME_MIN = 2
NAME_MAX = 60
ANONYMOUS = N_("Resident")


def clean_display_name(raw: str) -> str:
    """The name as it will be shown, or a 422 ``validation_error`` on the field."""
    name = " ".join((raw or "").split())
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise Problem(
            422,
            "validation_error",
            N_("Please check the marked fields."),
            errors=[FieldError("display_name", N_("Between 2 and 60 characters, please."))],
        )
    if "@" in name:
        raise Problem(
            422,
            "validation_error",
            N_("Please check the marked fields."),
            errors=[FieldError("display_name", N_("Please do not use an e-mail address."))],
        )
    return name


async def display_name(user_id: UUID) -> str | None:
    """The person's chosen name, or None before they chose one."""
    row = await (
        ParticipantProfile.select(ParticipantProfile.display_name)
        .where(ParticipantProfile.user == user_id)
        .first()
    )
    return row["display_name"] if row else None


async def names_for(user_ids) -> dict[UUID, str]:
    """{user id: chosen name} for those of these people who chose one (one query)."""
    ids = list({u for u in user_ids if u is not None})
    if not ids:
        return {}
    rows = await ParticipantProfile.select(
        ParticipantProfile.user, ParticipantProfile.display_name
    ).where(ParticipantProfile.user.is_in(ids))
    return {row["user"]: row["display_name"] for row in rows}


async def set_display_name(user_id: UUID, raw: str) -> str:
    """Choose or change the shown name (the unique index keeps one profile per account)."""
    name = clean_display_name(raw)
    async with db.write_transaction():
        updated = (
            await ParticipantProfile.update({ParticipantProfile.display_name: name})
            .where(ParticipantProfile.user == user_id)
            .returning(ParticipantProfile.id)
        )
        if not updated:
            await ParticipantProfile.raw(
                'INSERT INTO participant_profiles (id, "user", display_name, created_at)'
                ' VALUES ({}, {}, {}, {}) ON CONFLICT ("user")'
                " DO UPDATE SET display_name = excluded.display_name",
                uuid4(),
                user_id,
                name,
                clock.now(),
            )
    return name
