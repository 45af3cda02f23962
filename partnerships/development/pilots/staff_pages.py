"""Staff page of a call's pilot decisions: per challenge the selected teams with their offers,
the decision form (a team or no pilot, a rationale, a confirmation) and the draft contract."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.platform.accounts.guards import staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem
from partnerships.development.pilots import services
from partnerships.development.rules import OFFER_STATUS_LABELS
from partnerships.development.schemas import PilotIn

NO_PILOT = "none"


def pilot_from_form(data: dict) -> PilotIn:
    """The form's choice (a team's id or ``none``), rationale and confirmation."""
    choice = form_value(data, "submission_id").strip()
    if not choice:
        raise _refusal("submission_id", N_("Choose a team or no pilot."))
    if form_value(data, "confirm") != "yes":
        raise _refusal("confirm", N_("Confirm the decision; it cannot be changed."))
    try:
        submission_id = None if choice == NO_PILOT else UUID(choice)
    except ValueError:
        raise _refusal("submission_id", N_("Choose a team or no pilot.")) from None
    return PilotIn(
        challenge=form_value(data, "challenge"),
        submission_id=submission_id,
        rationale=form_value(data, "rationale")[:10_000],
    )


def _refusal(field: str, message: str) -> Problem:
    return Problem(422, "validation_error", message, errors=[FieldError(field, message)])


class StaffPilotPages(Controller):
    path = "/staff/calls/{slug:str}/pilots"
    include_in_schema = False
    guards = [staff_required]

    async def _page(
        self, request: Request, slug: str, *, errors=None, values=None, status: int = 200
    ) -> Template:
        call, challenges = await services.overview(current_user(request), slug)
        return Template(
            template_name="development/pilots.html",
            status_code=status,
            context={
                "call": call,
                "challenges": challenges,
                "errors": errors or {},
                "values": values or {},
                "offer_labels": OFFER_STATUS_LABELS,
            },
        )

    @get("/", name="staff_pilots")
    async def index(self, request: Request, slug: FromPath[str]) -> Template:
        return await self._page(request, slug)

    @post("/")
    async def decide(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        try:
            await services.decide(current_user(request), slug, pilot_from_form(data))
        except Problem as problem:
            values = {k: form_value(data, k) for k in ("challenge", "submission_id", "rationale")}
            return await self._page(
                request, slug, errors=errors_of(problem), values=values, status=problem.status
            )
        key = form_value(data, "challenge")
        return Redirect(f"/staff/calls/{slug}/pilots#challenge-{key}", status_code=303)
