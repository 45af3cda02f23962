"""How `partnerships` joins the portal: its :class:`~challenge.platform.domains.Domain` record,
returned by the `challenge.extensions` entry point (pyproject.toml names ``domain``)."""

from __future__ import annotations

from challenge.platform.domains import Domain
from challenge.platform.i18n import N_
from partnerships.contracts.api import PartnershipsApi
from partnerships.contracts.conflicts import earlier_partnership
from partnerships.contracts.documents import READERS
from partnerships.contracts.pages import PartnerPages, StaffPartnershipPages
from partnerships.demo import load_demo_partnership
from partnerships.development import assembly
from partnerships.milestones.api import MilestonesApi, staff_feed
from partnerships.milestones.pages import PartnerMilestonePages, StaffMilestonePages
from partnerships.milestones.reminders import send_reminders
from partnerships.opendata.api import funding
from partnerships.opendata.pages import StaffFundingPages
from partnerships.opendata.public import OpenDataApi, PublicProjectPages
from partnerships.privacy import privacy_export
from partnerships.unit_conflicts import unit_partnership


def partner_audience() -> dict[str, str]:
    """The announcements' group ``partners``: members of the teams with a contract (sent or
    later) of the call ``{call}``, as the SQL ``Domain.announcement_audiences`` asks for."""
    from challenge.organisations.tables import Membership
    from partnerships.dashboard import SHOWN
    from partnerships.tables import Partnership

    shown = ", ".join(f"'{status}'" for status in SHOWN)  # constants, not input
    return {
        "partners": (
            f'SELECT DISTINCT m."user" AS id FROM {Partnership._meta.tablename} p'
            f" JOIN {Membership._meta.tablename} m ON m.organisation = p.organisation"
            f' WHERE p."call" = {{call}} AND p.status IN ({shown})'
        )
    }


def partner_area() -> dict[str, str]:
    """The area ``partner`` for members of a team with a contract (sent or later), as the SQL
    condition ``Domain.user_areas`` asks for."""
    from challenge.organisations.tables import Membership
    from partnerships.dashboard import SHOWN
    from partnerships.tables import Partnership

    shown = ", ".join(f"'{status}'" for status in SHOWN)  # constants, not input
    return {
        "partner": (
            f"EXISTS (SELECT 1 FROM {Partnership._meta.tablename} p"
            f" JOIN {Membership._meta.tablename} m ON m.organisation = p.organisation"
            f' WHERE m."user" = {{user}} AND p.status IN ({shown}))'
        )
    }


def domain() -> Domain:
    """The partnerships domain: its routers, reminders, document readers, conflict suggestions
    (an earlier partnership; the binding rule for jurors of a unit that contracts with the team),
    demo data, privacy export and navigation."""
    from partnerships import dashboard, participation_progress, statuses, threads
    from partnerships.contracts.offered import start_links

    return Domain(
        name="partnerships",
        statuses=statuses.STATUSES,
        dashboard=dashboard.panels,
        entry_actions=start_links,
        challenge_progress=participation_progress.challenge_progress,
        routers=[
            PartnershipsApi,
            MilestonesApi,
            funding,
            staff_feed,
            StaffPartnershipPages,
            StaffMilestonePages,
            StaffFundingPages,
            PartnerPages,
            PartnerMilestonePages,
            OpenDataApi,
            PublicProjectPages,
            *assembly.routers(),
        ],
        periodic=[send_reminders, *assembly.periodic()],
        document_readers={**READERS, **assembly.readers()},
        decision_made=assembly.decision_made,
        submission_links=assembly.submission_links,
        submissions_links=assembly.submissions_links,
        results_published=assembly.results_published,
        staff_call_links=[
            ("development", N_("Development phase")),
            ("pitch", N_("Pitch day")),
            ("pilots", N_("Pilots")),
        ],
        conflict_suggesters=[earlier_partnership, unit_partnership],
        demo=load_demo_partnership,
        privacy_export=privacy_export,
        user_areas=partner_area(),
        thread_subjects=threads.SUBJECTS,
        announcement_audiences=partner_audience(),
        public_links=[("/projects", N_("Funded projects")), ("/opendata", N_("Open data"))],
        nav_links=[
            ("/staff/partnerships", N_("Partnerships"), ("staff", "finance", "admin")),
            ("/partner", N_("My partnerships"), ("partner",)),
            *assembly.nav_links(),
        ],
    )
