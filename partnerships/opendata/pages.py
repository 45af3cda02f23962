"""Page: the staff's funding overview with its bar chart."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from challenge.platform.accounts.guards import role_required
from challenge.platform.i18n import N_, gettext, request_locale
from partnerships.opendata import charts, overview

staff_or_finance = role_required("staff", "admin", "finance")
KIND_LABELS = {"stipend": N_("Stipends"), "pilot": N_("Pilots"), "partnership": N_("Partnerships")}


class StaffFundingPages(Controller):
    path = "/staff"
    include_in_schema = False
    guards = [staff_or_finance]

    @get("/funding", name="staff_funding")
    async def funding(self, request: Request) -> Template:
        data = await overview.funding()
        locale = request_locale(request)
        labels = {kind: gettext(label, locale) for kind, label in KIND_LABELS.items()}
        return Template(
            template_name="partnerships/staff/funding.html",
            context={
                "data": data,
                "chart": charts.funding_bars(data["groups"], labels),
                "kind_labels": KIND_LABELS,
            },
        )
