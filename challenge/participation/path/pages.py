"""The forms of a problem's path for staff and the city's units: a page of their own under
``/mitmachen/{id}/weg`` (the problem page's section posts here too), errors shown there, the
data unchanged; after a draft is made the person lands on its edit page."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.participation.path import service
from challenge.participation.path.view import path_actions, problem_path
from challenge.platform.accounts.guards import login_required
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem, forbidden


def _uuid(value: str, field: str) -> UUID | None:
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[service.FieldError(field, N_("Choose one of the options."))],
        ) from None


async def _page(
    request: Request,
    problem_id: UUID,
    *,
    mode: str = "choose",
    problem: Problem | None = None,
    values: dict | None = None,
) -> Template:
    row = await service.load_problem(request.user, problem_id)
    actions = await path_actions(request.user, row)
    if not actions:
        raise forbidden(N_("Only staff and the city's units can turn problems into challenges."))
    return Template(
        template_name="participation/_path_form.html",
        status_code=problem.status if problem else 200,
        context={
            "problem": row,
            "path_steps": await problem_path(row),
            "path_actions": actions,
            "mode": mode,
            "errors": errors_of(problem) if problem else {},
            "values": values or {},
        },
    )


class ProblemPathPages(Controller):
    path = "/mitmachen/{problem_id:uuid}/weg"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="problem_path")
    async def form(self, request: Request, problem_id: FromPath[UUID]) -> Template:
        return await _page(request, problem_id)

    @post("/challenge")
    async def create(
        self, request: Request, problem_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        values = {"unit_id": form_value(data, "unit_id")}
        try:
            unit = _uuid(values["unit_id"], "unit_id")
            created = await service.create_draft(request.user, problem_id, unit)
        except Problem as problem:
            return await _page(request, problem_id, problem=problem, values=values)
        return Redirect(created["href"], status_code=303)

    @post("/verknuepfen")
    async def link(
        self, request: Request, problem_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        values = {"challenge_id": form_value(data, "challenge_id")}
        try:
            challenge = _uuid(values["challenge_id"], "challenge_id")
            if challenge is None:
                raise Problem(
                    422,
                    "validation_error",
                    N_("Some fields are missing or invalid."),
                    errors=[service.FieldError("challenge_id", N_("Choose a challenge."))],
                )
            await service.link(request.user, problem_id, challenge)
        except Problem as problem:
            return await _page(request, problem_id, problem=problem, values=values)
        return Redirect(f"/mitmachen/{problem_id}#path", status_code=303)

    @get("/trennen", name="problem_unlink")
    async def confirm_unlink(self, request: Request, problem_id: FromPath[UUID]) -> Template:
        return await _page(request, problem_id, mode="unlink")

    @post("/trennen")
    async def unlink(self, request: Request, problem_id: FromPath[UUID]) -> Template | Redirect:
        try:
            await service.unlink(request.user, problem_id)
        except Problem as problem:
            return await _page(request, problem_id, mode="unlink", problem=problem)
        return Redirect(f"/mitmachen/{problem_id}#path", status_code=303)
