"""The statuses this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_

STATUSES = {
    "call": {
        "draft": (N_("Draft"), "info"),
        "published": (N_("Published"), "success"),
    },
    # where a call stands for the people following it (challenge.calls.services.call_phase)
    "call_phase": {
        "draft": (N_("Draft"), "info"),
        "upcoming": (N_("Upcoming"), "info"),
        "open": (N_("Open for proposals"), "success"),
        "closed": (N_("Closed"), "warning"),
        "jury": (N_("The jury is scoring"), "info"),
        "jury_done": (N_("Results in preparation"), "info"),
        "results_published": (N_("Results published"), "success"),
    },
}
