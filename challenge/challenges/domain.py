"""How challenges join the portal: units, the intake of drafts, and the call's challenges."""

from __future__ import annotations

from challenge.platform.domains import Domain
from challenge.platform.i18n import N_


def domain() -> Domain:
    from challenge.challenges import dashboard, placement, policies, sso_units, statuses
    from challenge.challenges.api import CallChallengesApi, ChallengesApi, UnitsApi
    from challenge.challenges.pages import UnitChallengePages
    from challenge.challenges.public import ChallengePages
    from challenge.challenges.staff_pages import (
        StaffCallChallengePages,
        StaffChallengePages,
        StaffUnitPages,
    )

    return Domain(
        name="challenges",
        statuses=statuses.STATUSES,
        dashboard=dashboard.panels,
        routers=[
            UnitsApi,
            ChallengesApi,
            CallChallengesApi,
            ChallengePages,
            UnitChallengePages,
            StaffUnitPages,
            StaffChallengePages,
            StaffCallChallengePages,
        ],
        call_challenges=placement.of_call,
        sso_units=sso_units.sync_units,
        user_areas=policies.AREAS,
        nav_links=[
            ("/unit/challenges", N_("Your challenges"), ("unit",)),
            ("/staff/challenges", N_("Challenges"), ("staff", "admin")),
            ("/staff/units", N_("City units"), ("staff", "admin")),
        ],
    )
