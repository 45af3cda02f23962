"""Staff page of a call's development phase (/staff/calls/{slug}/development): the phase's
dates form and the selected teams per challenge with checklist progress, stipend agreement
and offer status, each linking to its workspace."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.platform.accounts.guards import staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_, request_locale
from challenge.platform.problems import Problem
from partnerships.development.phase import phase_of
from partnerships.development.rules import OFFER_STATUS_LABELS
from partnerships.development.workspace import staff
from partnerships.development.workspace.forms import (
    invalid,
    phase_from_form,
    phase_values,
    values_of,
)

PHASE_FIELDS = ("starts_on", "ends_on", "offer_due_at", "bonus_cap")


def _form_errors(problem: Problem) -> dict:
    errors = errors_of(problem)
    if "bonus_cap_cents" in errors:
        errors["bonus_cap"] = errors.pop("bonus_cap_cents")
    return errors


class StaffDevelopmentPages(Controller):
    path = "/staff/calls/{slug:str}/development"
    include_in_schema = False
    guards = [staff_required]

    async def _page(
        self, request: Request, slug: str, *, errors=None, values=None, status=200, notice=None
    ) -> Template:
        data = await staff.overview(current_user(request), slug)
        return Template(
            template_name="development/staff_development.html",
            status_code=status,
            context={
                **data,
                "errors": errors or {},
                "values": values or phase_values(data["phase"], request_locale(request)),
                "notice": notice,
                "offer_labels": OFFER_STATUS_LABELS,
            },
        )

    @get("/", name="staff_development")
    async def index(
        self,
        request: Request,
        slug: FromPath[str],
        notice: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> Template:
        return await self._page(request, slug, notice="saved" if notice == "saved" else None)

    @post("/")
    async def save(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        user = current_user(request)
        call = await staff.staff_call(user, slug)
        try:
            phase = phase_from_form(data, request_locale(request))
            already = (await phase_of(call))["set"]
            if already and form_value(data, "confirm") != "yes":
                raise invalid(
                    "confirm", N_("Confirm the change; the teams see the new dates at once.")
                )
            await staff.set_dates(user, call, phase)
        except Problem as problem:
            return await self._page(
                request,
                slug,
                errors=_form_errors(problem),
                values=values_of(data, PHASE_FIELDS),
                status=problem.status,
            )
        return Redirect(f"/staff/calls/{slug}/development?notice=saved", status_code=303)
