"""How calls join the portal."""

from __future__ import annotations

from challenge.platform.domains import Domain


def domain() -> Domain:
    from challenge.calls import dashboard, statuses
    from challenge.calls.api import CallsApi
    from challenge.calls.pages import CallPages
    from challenge.calls.staff_pages import StaffCallPages

    return Domain(
        name="calls",
        statuses=statuses.STATUSES,
        dashboard=dashboard.panels,
        routers=[CallPages, StaffCallPages, CallsApi],
    )
