"""The statuses and kinds this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_

STATUSES = {
    # a team's kind, as the audit log and the admin pages name it
    "organisation_kind": {
        "startup": (N_("Startup"), "info"),
        "student_team": (N_("Student team"), "info"),
        "research_group": (N_("Research group"), "info"),
        "company": (N_("Company"), "info"),
        "other": (N_("Other"), "info"),
    },
}
