"""How submissions join the portal: their pages, who reads their documents, the person's
proposals in the privacy export and erasure, and the retention rule for drafts."""

from __future__ import annotations

from challenge.platform.domains import Domain


def domain() -> Domain:
    from challenge.challenges.policies import unit_reads_submission
    from challenge.submissions import dashboard, policies, privacy, statuses
    from challenge.submissions.api import CallSubmissionsApi, SubmissionsApi, my_submissions
    from challenge.submissions.entries import challenge_has_entries, has_entries
    from challenge.submissions.pages import ApplyPages, SubmissionPages
    from challenge.submissions.pages import dashboard as my_proposals_page
    from challenge.submissions.staff_pages import StaffExports, StaffSubmissionPages
    from challenge.submissions.unit_pages import UnitProposalPages

    return Domain(
        name="submissions",
        statuses=statuses.STATUSES,
        dashboard=dashboard.panels,
        routers=[
            CallSubmissionsApi,
            SubmissionsApi,
            my_submissions,
            ApplyPages,
            SubmissionPages,
            my_proposals_page,
            StaffSubmissionPages,
            StaffExports,
            UnitProposalPages,
        ],
        document_readers={
            "submission": policies.document_reader,
            policies.ISSUED_OWNER_TYPE: policies.issued_reader,
        },
        document_namers={"submission": policies.document_namer},
        document_redactions={"submission": policies.redacted_reader},
        privacy_export=privacy.export,
        privacy_inline=True,
        privacy_erase=privacy.erase,
        retention=[privacy.delete_stale_drafts],
        call_has_entries=has_entries,
        challenge_has_entries=challenge_has_entries,
        # the owning unit reads the proposals to its challenge after the deadline
        submission_readers=[unit_reads_submission],
    )
