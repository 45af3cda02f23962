"""The statuses this stage shows, in words and tone (challenge.platform.statuses); the words are
the decisions' own (results.decisions.OUTCOME_LABELS, which exports and certificates use)."""

from __future__ import annotations

from challenge.platform.statuses import family
from challenge.results.decisions import OUTCOME_LABELS

STATUSES = {
    "decision": family(
        OUTCOME_LABELS,
        {
            "winner": "success",
            "runner_up": "success",
            "shortlisted": "info",
            "development": "success",
            "not_selected": "warning",
        },
    ),
}
