"""The statuses this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_

STATUSES = {
    "partnership": {
        "draft": (N_("Draft"), "info"),
        "sent": (N_("Sent"), "info"),
        "signed": (N_("Signed"), "success"),
        "active": (N_("Active"), "success"),
        "completed": (N_("Completed"), "success"),
        "terminated": (N_("Terminated"), "danger"),
    },
    "milestone": {
        "planned": (N_("Planned"), "info"),
        "submitted": (N_("Evidence submitted"), "info"),
        "changes_requested": (N_("Changes requested"), "warning"),
        "approved": (N_("Approved"), "success"),
        "paid": (N_("Paid"), "success"),
        "overdue": (N_("Overdue"), "danger"),
    },
}
