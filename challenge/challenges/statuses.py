"""The statuses this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_

STATUSES = {
    "challenge": {
        "draft": (N_("Draft"), "info"),
        "proposed": (N_("Waiting for review"), "info"),
        "changes_requested": (N_("Changes requested"), "warning"),
        "approved": (N_("Approved for a call"), "success"),
        "declined": (N_("Declined"), "danger"),
        "withdrawn": (N_("Withdrawn"), "warning"),
    },
}
