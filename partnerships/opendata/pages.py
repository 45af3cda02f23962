"""Page: the staff's funding overview with its bar chart."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from challenge.platform.accounts.guards import role_required
from partnerships.opendata import charts, overview

staff_or_finance = role_required("staff", "admin", "finance")


class StaffFundingPages(Controller):
    path = "/staff"
    include_in_schema = False
    guards = [staff_or_finance]

    @get("/funding", name="staff_funding")
    async def funding(self) -> Template:
        data = await overview.funding()
        return Template(
            template_name="partnerships/staff/funding.html",
            context={"data": data, "chart": charts.funding_bars(data["groups"])},
        )
