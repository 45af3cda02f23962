"""The statuses this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_

STATUSES = {
    "call": {
        "draft": (N_("Draft"), "info"),
        "published": (N_("Published"), "success"),
    },
}
