"""What the people's prize (Publikumspreis, issue 21 point 4) adds to the participation domain's
record: its API, the public ballot and results page, the team's consent page and the staff page
(a link on the call's staff pages), the proposal page's notice for candidate teams, and the demo's
closed prize on last year's call."""

from __future__ import annotations

from challenge.platform.i18n import N_
from challenge.platform.parts import Part


def part() -> Part:
    """The prize part."""
    from challenge.participation.prize import demo, hooks, privacy
    from challenge.participation.prize.api import PrizeApi
    from challenge.participation.prize.pages import ConsentPages, PrizePages
    from challenge.participation.prize.staff_pages import StaffPrizePages

    return Part(
        routers=[PrizeApi, PrizePages, ConsentPages, StaffPrizePages],
        staff_call_links=[("people-prize", N_("People's prize"))],
        submission_notices=hooks.submission_notices,
        privacy_export=privacy.export,
        privacy_erase=privacy.erase,
        demo=demo.load,
        statuses={
            "prize_voting": {
                "upcoming": (N_("Not open yet"), "info"),
                "open": (N_("Open for votes"), "success"),
                "closed": (N_("Closed"), "info"),
            },
            "prize_consent": {
                "pending": (N_("Waiting for the team"), "warning"),
                "consented": (N_("Team agreed"), "success"),
                "declined": (N_("Team declined"), "danger"),
            },
        },
    )
