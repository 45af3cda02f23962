"""How `partnerships` joins the portal: the `challenge.extensions` entry point (pyproject.toml)."""

from __future__ import annotations

from challenge.platform.extensions import Extension
from challenge.platform.i18n import N_


async def privacy_export(user_id) -> dict:
    """What partnerships hold about a person: the evidence they submitted (contracts and payments
    belong to organisations)."""
    from partnerships.tables import Evidence

    return {"evidence": await Evidence.select(Evidence.milestone, Evidence.round, Evidence.note, Evidence.document,
                                              Evidence.created_at).where(Evidence.submitted_by == user_id)}


def extension() -> Extension:
    from partnerships import documents  # noqa: F401 - registers who may read contract and evidence files
    from partnerships.api import MilestonesApi, PartnershipsApi, funding, staff_feed
    from partnerships.conflicts import earlier_partnership
    from partnerships.demo import load_demo_partnership
    from partnerships.pages import PartnerPages, StaffPartnershipPages
    from partnerships.public import OpenDataApi, PublicProjectPages
    from partnerships.reminders import send_reminders

    return Extension(
        name="partnerships",
        routers=[PartnershipsApi, MilestonesApi, funding, staff_feed, StaffPartnershipPages, PartnerPages,
                 OpenDataApi, PublicProjectPages],
        periodic=[send_reminders],
        conflict_suggesters=[earlier_partnership],
        demo=load_demo_partnership,
        privacy_export=privacy_export,
        public_links=[("/projects", N_("Funded projects")), ("/opendata", N_("Open data"))],
        nav_links=[("/staff/partnerships", N_("Partnerships"), ("staff", "finance", "admin")),
                   ("/partner", N_("My partnerships"), ())],
    )
