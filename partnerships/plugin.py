"""How `partnerships` joins the portal: its :class:`~challenge.platform.domains.Domain` record,
returned by the `challenge.extensions` entry point (pyproject.toml names ``extension``)."""

from __future__ import annotations

from challenge.platform.documents.policies import register_reader
from challenge.platform.domains import Domain
from challenge.platform.i18n import N_
from partnerships.contracts.api import PartnershipsApi
from partnerships.contracts.conflicts import earlier_partnership
from partnerships.contracts.documents import READERS
from partnerships.contracts.pages import PartnerPages, StaffPartnershipPages
from partnerships.demo import load_demo_partnership
from partnerships.milestones.api import MilestonesApi, staff_feed
from partnerships.milestones.pages import PartnerMilestonePages, StaffMilestonePages
from partnerships.milestones.reminders import send_reminders
from partnerships.opendata.api import funding
from partnerships.opendata.pages import StaffFundingPages
from partnerships.opendata.public import OpenDataApi, PublicProjectPages
from partnerships.privacy import privacy_export


def extension() -> Domain:
    """The partnerships domain. Until the app installs Domain records everywhere, the document
    readers are also registered here (when the record is built, never at import)."""
    for owner_type, reader in READERS.items():
        register_reader(owner_type, reader)
    return Domain(
        name="partnerships",
        routers=[PartnershipsApi, MilestonesApi, funding, staff_feed, StaffPartnershipPages, StaffMilestonePages,
                 StaffFundingPages, PartnerPages, PartnerMilestonePages, OpenDataApi, PublicProjectPages],
        periodic=[send_reminders],
        document_readers=dict(READERS),
        conflict_suggesters=[earlier_partnership],
        demo=load_demo_partnership,
        privacy_export=privacy_export,
        public_links=[("/projects", N_("Funded projects")), ("/opendata", N_("Open data"))],
        nav_links=[("/staff/partnerships", N_("Partnerships"), ("staff", "finance", "admin")),
                   ("/partner", N_("My partnerships"), ())],
    )


domain = extension
