"""The statuses this stage shows, in words and tone (challenge.platform.statuses); the words are
the stage's own (challenges.rules.STATUS_LABELS)."""

from __future__ import annotations

from challenge.challenges.rules import STATUS_LABELS
from challenge.platform.statuses import family

STATUSES = {
    "challenge": family(
        STATUS_LABELS,
        {
            "draft": "info",
            "proposed": "info",
            "changes_requested": "warning",
            "approved": "success",
            "declined": "danger",
            "withdrawn": "warning",
        },
    ),
}
