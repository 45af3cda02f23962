"""Who may do what with an organisation: its members read and edit proposals, owners manage."""

from __future__ import annotations

from uuid import UUID

from challenge.organisations.tables import Membership


async def role_in(user, organisation_id: UUID) -> str | None:
    """The user's role in the organisation ("owner", "member"), or None."""
    if user is None:
        return None
    row = (
        await Membership.select(Membership.role)
        .where((Membership.organisation == organisation_id) & (Membership.user == user.id))
        .first()
    )
    return row["role"] if row else None


async def is_member(user, organisation_id: UUID) -> bool:
    """Whether the person belongs to the organisation, in any role."""
    return await role_in(user, organisation_id) is not None


async def is_owner(user, organisation_id: UUID) -> bool:
    """Whether the person owns the organisation (may invite and remove members)."""
    return await role_in(user, organisation_id) == "owner"
