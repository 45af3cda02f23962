"""The statuses this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_

STATUSES = {
    "proposal": {
        "draft": (N_("Draft"), "info"),
        "submitted": (N_("Submitted"), "success"),
        "withdrawn": (N_("Withdrawn"), "warning"),
    },
}
