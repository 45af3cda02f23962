"""How challenges join the portal: units, the intake of drafts, and the call's challenges."""

from __future__ import annotations

from challenge.platform.domains import Domain


def domain() -> Domain:
    from challenge.challenges import placement
    from challenge.challenges.api import CallChallengesApi, ChallengesApi, UnitsApi

    return Domain(
        name="challenges",
        routers=[UnitsApi, ChallengesApi, CallChallengesApi],
        call_challenges=placement.of_call,
    )
