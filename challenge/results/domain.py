"""How results join the portal: their pages, the certificates job, who reads award documents and
jury reports, and the outcome a team sees on its proposal."""

from __future__ import annotations

from challenge.platform.domains import Domain


def domain() -> Domain:
    from challenge.results import dashboard, statuses
    from challenge.results.api import (
        StaffResultsApi,
        award_letter,
        job_status,
        public_results,
        ranking,
    )
    from challenge.results.certificates import OWNER_TYPE, award_reader, run_certificates_job
    from challenge.results.exports import REPORT_OWNER_TYPE, report_reader
    from challenge.results.pages import PublicResultsPages, StaffResultsPages, UnitRankingPages
    from challenge.results.publication import outcome_for

    return Domain(
        name="results",
        statuses=statuses.STATUSES,
        dashboard=dashboard.panels,
        routers=[
            StaffResultsApi,
            ranking,
            job_status,
            public_results,
            award_letter,
            StaffResultsPages,
            PublicResultsPages,
            UnitRankingPages,
        ],
        job_handlers={"certificates": run_certificates_job},
        document_readers={OWNER_TYPE: award_reader, REPORT_OWNER_TYPE: report_reader},
        submission_outcome=outcome_for,
    )
