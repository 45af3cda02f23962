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
    # A call's phase as staff follow it (challenge.calls.staff_pages.staff_phase); declared here
    # until the calls stage's statuses.py takes it over.
    "call_phase": {
        "draft": (N_("Draft"), "info"),
        "upcoming": (N_("Published, not yet open"), "info"),
        "open": (N_("Open for proposals"), "success"),
        "closed": (N_("Deadline passed, jury not started"), "warning"),
        "jury": (N_("Jury is scoring"), "warning"),
        "jury_done": (N_("Jury finished, results not published"), "warning"),
        "results_published": (N_("Results published"), "success"),
    },
}
