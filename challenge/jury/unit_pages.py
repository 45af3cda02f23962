"""The owning unit's page of one proposal to its challenge, with its comments for the jury
(after the call's deadline; the unit never scores or decides)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.jury import unit_comments
from challenge.platform.accounts.guards import login_required
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.problems import Problem
from challenge.submissions import unit_view


class UnitProposalPage(Controller):
    path = "/unit/proposals/{submission_id:uuid}"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="unit_proposal")
    async def proposal(
        self,
        request: Request,
        submission_id: FromPath[UUID],
        commented: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        return await _page(request, submission_id, notice=commented)

    @post("/comments")
    async def comment(
        self, request: Request, submission_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        body = form_value(data, "body")
        try:
            await unit_comments.add_comment(request.scope["user"], submission_id, body)
        except Problem as problem:
            if problem.status == 404:
                raise
            return await _page(
                request, submission_id, errors=errors_of(problem), body=body, status=problem.status
            )
        return Redirect(f"/unit/proposals/{submission_id}?commented=true", status_code=303)


async def _page(
    request: Request,
    submission_id: UUID,
    *,
    notice: bool = False,
    errors: dict | None = None,
    body: str = "",
    status: int = 200,
) -> Template:
    user = request.scope["user"]
    context = await unit_view.proposal_for_unit(user, submission_id)
    submission = context["submission"]
    context.update(
        comments=await unit_comments.comments_for(submission),
        may_comment=await unit_comments.may_comment(user, submission),
        notice=notice,
        errors=errors or {},
        body=body,
    )
    return Template(
        template_name="challenge/jury/unit_proposal.html", context=context, status_code=status
    )
