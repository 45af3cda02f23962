"""The statuses this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_

STATUSES = {
    "proposal": {
        "draft": (N_("Draft"), "info"),
        "submitted": (N_("Submitted"), "success"),
        "withdrawn": (N_("Withdrawn"), "warning"),
    },
    # one step of the four-step proposal form (challenge.submissions.progress)
    "step": {
        "done": (N_("Complete"), "success"),
        "todo": (N_("To do"), "info"),
        "optional": (N_("Not required"), "info"),
        "submitted": (N_("Submitted"), "success"),
        "changed": (N_("Changes not submitted"), "warning"),
        "withdrawn": (N_("Withdrawn"), "warning"),
    },
}
