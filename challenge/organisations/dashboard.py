"""This stage's part of the person's start page (/dashboard; challenge.platform.dashboard): an
applicant's teams, and the navigation area ``team`` for members of any team."""

from __future__ import annotations

from challenge.organisations.tables import Membership
from challenge.platform.dashboard import is_applicant, item, panel
from challenge.platform.i18n import N_

LIMIT = 5


# The area ``team`` for members of a team (their navigation shows proposals and teams).
AREAS = {"team": f'EXISTS (SELECT 1 FROM {Membership._meta.tablename} m WHERE m."user" = {{user}})'}


async def panels(user, locale: str) -> list[dict]:
    """An applicant's teams (a new account is shown where to create or join one)."""
    if not is_applicant(user):
        return []
    rows = (
        await Membership.select(
            Membership.organisation, Membership.organisation.name.as_alias("name")
        )
        .where(Membership.user == user.id)
        .order_by(Membership.organisation.name)
        .limit(LIMIT)
    )
    return [
        panel(
            "teams",
            N_("Your teams"),
            audience=N_("Applicant"),
            order=15,
            items=[item(row["name"], f"/teams/{row['organisation']}") for row in rows],
            empty=N_("You are not in a team yet: create one, or accept an invitation."),
            more=("/teams", N_("All your teams")) if rows else ("/teams/new", N_("Create a team")),
        )
    ]
