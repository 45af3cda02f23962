"""The statuses this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_

STATUSES = {
    "assignment": {
        "assigned": (N_("Review open"), "info"),
        "recused": (N_("Recused"), "warning"),
        "done": (N_("Done"), "success"),
    },
    "review": {
        "none": (N_("Not started"), "info"),
        "draft": (N_("Draft"), "info"),
        "final": (N_("Final"), "success"),
    },
    # a juror's state on one jury (challenge.jury.scoring.jury_state)
    "juror": {
        "invited": (N_("Invitation open"), "warning"),
        "declaration_open": (N_("Declaration open"), "warning"),
        "waiting": (N_("No entries yet"), "info"),
        "reviewing": (N_("Reviews open"), "info"),
        "finished": (N_("All reviews done"), "success"),
    },
    "conflict": {
        "declared": (N_("Conflict"), "warning"),
    },
    # the staff's view of a juror's invitation and declaration
    "invitation": {
        "open": (N_("Not accepted yet"), "warning"),
        "accepted": (N_("Accepted"), "success"),
    },
    "declaration": {
        "open": (N_("Declaration open"), "warning"),
        "complete": (N_("Declaration complete"), "success"),
    },
}
