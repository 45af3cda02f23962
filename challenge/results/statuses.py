"""The statuses this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_

STATUSES = {
    "decision": {
        "winner": (N_("Winner"), "success"),
        "runner_up": (N_("Runner-up"), "success"),
        "shortlisted": (N_("Shortlisted"), "info"),
        "development": (N_("Development phase"), "success"),
        "not_selected": (N_("Not selected"), "warning"),
    },
}
