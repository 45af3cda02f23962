"""How the jury joins the portal: its pages, who of the jurors may read a submission, and the
dates of later rounds on the call page."""

from __future__ import annotations

from challenge.platform.domains import Domain


def domain() -> Domain:
    from challenge.jury import dashboard, privacy, statuses
    from challenge.jury.access import juror_may_read
    from challenge.jury.api import JurorApi, StaffJuryApi, UnitCommentsApi
    from challenge.jury.pages import JuryPages
    from challenge.jury.rounds import public_events
    from challenge.jury.staff_pages import StaffJuryPages
    from challenge.jury.unit_pages import UnitProposalPage

    return Domain(
        name="jury",
        statuses=statuses.STATUSES,
        dashboard=dashboard.panels,
        routers=[
            StaffJuryApi,
            JurorApi,
            UnitCommentsApi,
            JuryPages,
            StaffJuryPages,
            UnitProposalPage,
        ],
        privacy_export=privacy.export,
        privacy_inline=True,
        submission_readers=[juror_may_read],
        call_events=public_events,
        user_areas=dashboard.AREAS,
    )
