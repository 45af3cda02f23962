"""Staff jury page: invite jurors, see declarations and progress, assign, lift conflicts, remind."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.calls.services import get_call
from challenge.jury import assignment_service, progress, scope, services, staff_conflicts
from challenge.platform.accounts.guards import staff_required
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem


def form_list(data: dict, name: str) -> list[str]:
    """Every value of a repeated field (checkboxes), without empty ones."""
    value = data.get(name, [])
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values if str(v).strip()]


async def _page(
    request: Request,
    call: dict,
    *,
    errors: dict | None = None,
    status: int = 200,
    notice=None,
    affected: str = "",
    view: dict | None = None,
) -> Template:
    overview = await progress.jury_overview(call, **(view or {}))
    return Template(
        template_name="challenge/jury/staff.html",
        status_code=status,
        context={
            "call": call,
            **overview,
            "errors": errors or {},
            "notice": notice,
            "affected": affected,
        },
    )


class StaffJuryPages(Controller):
    path = "/staff/calls/{slug:str}/jury"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_jury")
    async def jury(
        self,
        request: Request,
        slug: FromPath[str],
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        challenge: Annotated[str, QueryParameter(max_length=40)] = "",
        juror: Annotated[UUID | None, QueryParameter()] = None,
        show: Annotated[str, QueryParameter(max_length=10)] = "",
    ) -> Template:
        """The jury page; the entries' table one page at a time, filtered by challenge, juror
        and open or too few reviews."""
        view = {"page": page, "challenge": challenge, "juror": juror, "show": show}
        return await _page(request, await get_call(slug, include_drafts=True), view=view)

    @post("/invite")
    async def invite(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        try:
            await services.invite_juror(
                request.scope["user"],
                call,
                email=form_value(data, "email"),
                name=form_value(data, "name"),
                base_url=request.app.state.settings.base_url,
                challenges=form_list(data, "challenges"),
            )
        except Problem as problem:
            return await _page(request, call, errors=errors_of(problem), status=problem.status)
        return Redirect(f"/staff/calls/{slug}/jury", status_code=303)

    @post("/assign")
    async def assign(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        try:
            k = int(form_value(data, "reviews_per_submission") or "0")
            result = await assignment_service.auto_assign(
                request.scope["user"], call, number=1, reviews_per_submission=k
            )
        except ValueError:
            return await _page(
                request,
                call,
                errors={"reviews_per_submission": N_("Choose between 1 and 20.")},
                status=422,
            )
        except Problem as problem:
            entries = problem.extra.get("entries") or []
            errors = {"reviews_per_submission": problem.detail} if entries else errors_of(problem)
            # the entries concerned are listed beside the summary, not as an error without a field
            return await _page(
                request, call, errors=errors, status=problem.status, affected=", ".join(entries)
            )
        return await _page(request, call, notice=("assigned", result["created"]))

    @post("/conflicts/{conflict_id:uuid}/lift")
    async def lift(
        self, request: Request, slug: FromPath[str], conflict_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        try:
            await staff_conflicts.lift_conflict(
                request.scope["user"], call, conflict_id, form_value(data, "reason")
            )
        except Problem as problem:
            return await _page(request, call, errors=errors_of(problem), status=problem.status)
        return Redirect(f"/staff/calls/{slug}/jury", status_code=303)

    @post("/remind")
    async def remind(self, request: Request, slug: FromPath[str], data: FormData) -> Template:
        """Remind jurors with open reviews — of one challenge if the form names one."""
        call = await get_call(slug, include_drafts=True)
        key = form_value(data, "challenge").strip()
        try:
            ids = await scope.challenge_ids_for(call, [key] if key else None)
        except Problem as problem:
            return await _page(request, call, errors=errors_of(problem), status=problem.status)
        sent = await services.remind(
            request.scope["user"],
            call,
            base_url=request.app.state.settings.base_url,
            challenge_id=UUID(ids[0]) if ids else None,
        )
        return await _page(request, call, notice=("reminded", sent))
