"""The owning unit's list of the proposals to its challenge (after the deadline); one proposal
with the unit's comments for the jury is a jury page (challenge.jury.unit_pages)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from challenge.platform.accounts.guards import login_required
from challenge.submissions import unit_view
from challenge.submissions.outcomes import links_for_each


class UnitProposalPages(Controller):
    path = "/unit"
    include_in_schema = False
    guards = [login_required]

    @get("/challenges/{challenge_id:uuid}/proposals", name="unit_proposals")
    async def proposals(
        self,
        request: Request,
        challenge_id: FromPath[UUID],
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        """The proposals to the unit's challenge, 50 a page, with the next steps offered."""
        user = request.scope["user"]
        context = await unit_view.proposals_for_unit(user, challenge_id, page)
        context["links"] = await links_for_each(user, context["rows"])
        return Template(template_name="challenge/submissions/unit_proposals.html", context=context)
