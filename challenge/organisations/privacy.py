"""What organisations hold about a person, for the privacy export and erasure
(``challenge.platform.privacy`` asks through the Domain record)."""

from __future__ import annotations

from uuid import UUID

from challenge.organisations.tables import Invitation, Membership, Organisation


async def team_ids(user_id: UUID) -> list[UUID]:
    """The organisations the person is a member of."""
    return [
        m["organisation"]
        for m in await Membership.select(Membership.organisation).where(Membership.user == user_id)
    ]


async def sole_teams(user_id: UUID) -> list[UUID]:
    """The person's teams that have no other member."""
    return [
        t
        for t in await team_ids(user_id)
        if await Membership.count().where(Membership.organisation == t) == 1
    ]


async def export(user_id: UUID) -> dict:
    """The person's memberships ("teams") and their organisations."""
    memberships = await Membership.select(
        Membership.role,
        Membership.created_at,
        Membership.organisation,
        Membership.organisation.name.as_alias("organisation_name"),
    ).where(Membership.user == user_id)
    organisation_ids = [m["organisation"] for m in memberships]
    organisations = (
        await Organisation.select().where(Organisation.id.is_in(organisation_ids))
        if organisation_ids
        else []
    )
    return {"teams": memberships, "organisations": organisations}


async def erase(user_id: UUID, address: str) -> dict:
    """Memberships and invitations to the address go; the organisations stay (they are the
    teams' records)."""
    return {
        "team_memberships": len(
            await Membership.delete().where(Membership.user == user_id).returning(Membership.id)
        ),
        "invitations": len(
            await Invitation.delete().where(Invitation.email == address).returning(Invitation.id)
        ),
    }
