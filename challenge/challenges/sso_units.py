"""Unit memberships from the city's identity provider (issue 22): CHALLENGE_OIDC_ROLE_MAP's
``unit:<unit name>=<group>`` items make the group's people members of that unit at every sign-in,
and take the membership back when the group no longer names them (Domain.sso_units)."""

from __future__ import annotations

import logging
from uuid import UUID, uuid4

from challenge.challenges.tables import Unit, UnitMember
from challenge.platform import clock
from challenge.platform.audit.service import record

log = logging.getLogger(__name__)


async def sync_units(user_id: UUID, email: str, wanted: set[str], governed: set[str]) -> None:
    """Inside the sign-in's write transaction: join the wanted units, leave the governed others.

    A unit name the map governs but the portal does not know is logged and left alone; units
    outside the map (memberships staff gave in the portal) are never touched."""
    rows = await Unit.select(Unit.id, Unit.name).where(Unit.name.is_in(sorted(governed)))
    units = {row["name"]: row["id"] for row in rows}
    for name in sorted(governed - set(units)):
        log.warning("CHALLENGE_OIDC_ROLE_MAP names the unit %r, which does not exist", name)
    current = {
        row["unit"]
        for row in await UnitMember.select(UnitMember.unit).where(UnitMember.user == user_id)
    }
    for name, unit_id in sorted(units.items()):
        if name in wanted and unit_id not in current:
            await UnitMember.raw(
                'INSERT INTO unit_members (id, unit, "user", invited_by, created_at)'
                ' VALUES ({}, {}, {}, NULL, {}) ON CONFLICT (unit, "user") DO NOTHING',
                uuid4(),
                unit_id,
                user_id,
                clock.now(),
            )
            await _changed("unit.member_added", unit_id, email)
        elif name not in wanted and unit_id in current:
            await UnitMember.delete().where(
                (UnitMember.unit == unit_id) & (UnitMember.user == user_id)
            )
            await _changed("unit.member_removed", unit_id, email)


async def _changed(action: str, unit_id: UUID, email: str) -> None:
    await record(
        action,
        actor_label="sso",
        object_type="unit",
        object_id=unit_id,
        payload={"email": email, "source": "sso"},
    )
