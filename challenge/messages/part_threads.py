"""What the threads part of conversations adds to the messages domain's record (merged by
challenge.messages.domain): the thread and request pages and API, the staff's list, the start
page panels, the reader, namer and redaction of message files, the thread subject "submission",
the proposal page's notices, the unit list's links, the juror's extras, the words of a request's
states and its share of a person's data."""

from __future__ import annotations

from challenge.platform.i18n import N_
from challenge.platform.parts import Part


def part() -> Part:
    """The threads and information requests part."""
    from challenge.messages import attachments, dashboard, hooks, policies, privacy, statuses
    from challenge.messages.api import PartnershipMessagesApi, RequestsApi, SubmissionMessagesApi
    from challenge.messages.pages import RequestPages, ThreadPages
    from challenge.messages.staff_pages import StaffMessagePages

    return Part(
        routers=[
            SubmissionMessagesApi,
            PartnershipMessagesApi,
            RequestsApi,
            ThreadPages,
            RequestPages,
            StaffMessagePages,
        ],
        dashboard=dashboard.panels,
        document_readers={attachments.OWNER_TYPE: attachments.document_reader},
        document_namers={attachments.OWNER_TYPE: attachments.document_namer},
        document_redactions={attachments.OWNER_TYPE: attachments.redacted_reader},
        thread_subjects={"submission": policies.submission_access},
        statuses=statuses.STATUSES,
        nav_links=[("/staff/messages", N_("Messages"), ("staff", "admin"))],
        privacy_export=privacy.export,
        privacy_erase=privacy.erase,
        submission_links=hooks.submission_links,
        submissions_links=hooks.submissions_links,
        submission_notices=hooks.submission_notices,
        review_extras=hooks.review_extras,
    )
