"""How organisations (teams) join the portal."""

from __future__ import annotations

from challenge.platform.domains import Domain


def domain() -> Domain:
    from challenge.organisations import dashboard, privacy, statuses
    from challenge.organisations.api import OrganisationsApi, my_organisations
    from challenge.organisations.pages import TeamPages

    return Domain(
        name="organisations",
        statuses=statuses.STATUSES,
        dashboard=dashboard.panels,
        routers=[TeamPages, OrganisationsApi, my_organisations],
        privacy_export=privacy.export,
        privacy_inline=True,
        privacy_erase=privacy.erase,
        user_areas=dashboard.AREAS,
    )
