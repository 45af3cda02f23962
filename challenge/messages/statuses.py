"""The statuses this part shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_

STATUSES = {
    "request": {
        "open": (N_("Awaiting answer"), "warning"),
        "overdue": (N_("Overdue"), "danger"),
        "answered": (N_("Answered"), "success"),
        "withdrawn": (N_("Withdrawn"), "info"),
    },
}
