"""The statuses this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_

STATUSES = {
    "assignment": {
        "assigned": (N_("Assigned"), "info"),
        "recused": (N_("Recused"), "warning"),
        "done": (N_("Done"), "success"),
    },
    "review": {
        "draft": (N_("Draft"), "info"),
        "final": (N_("Final"), "success"),
    },
}
