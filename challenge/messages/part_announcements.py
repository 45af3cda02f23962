"""What the announcements part of conversations adds to the messages domain's record (merged by
challenge.messages.domain): its API and staff pages, the sending job, the call page link for
staff, the words of its states and its share of a person's data."""

from __future__ import annotations

from challenge.platform.i18n import N_
from challenge.platform.parts import Part


def part() -> Part:
    """The announcements part."""
    from challenge.messages.announcements import privacy
    from challenge.messages.announcements.api import AnnouncementsApi
    from challenge.messages.announcements.pages import AnnouncementPages
    from challenge.messages.announcements.people import PersonThreadPages, person_access
    from challenge.messages.announcements.service import JOB_KIND, run_announcement_job

    return Part(
        routers=[AnnouncementsApi, AnnouncementPages, PersonThreadPages],
        thread_subjects={"person": person_access},
        # everyone but staff (who read every thread on /staff/messages)
        nav_links=[("/messages", N_("Messages"), ("applicant", "team", "jury", "unit", "partner"))],
        job_handlers={JOB_KIND: run_announcement_job},
        staff_call_links=[("announcements", N_("Announcements"))],
        statuses={
            "announcement": {
                "queued": (N_("Waiting to be sent"), "info"),
                "sending": (N_("Being sent"), "info"),
                "sent": (N_("Sent"), "success"),
            }
        },
        privacy_export=privacy.export,
        privacy_erase=privacy.erase,
    )
