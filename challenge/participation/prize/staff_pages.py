"""Staff page of a call's people's prize, ``/staff/calls/{slug}/people-prize``: choose the
candidates among the call's proposals (the development phase's teams preselected), set the
window, write each candidate's public title and summary, follow the teams' consent, see the
votes' figures (counts per candidate only after the close, so nobody is swayed) and void
votes from one IP address or mail domain with a reason."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from challenge.calls.services import get_call
from challenge.participation.prize import ballot, service
from challenge.participation.prize.pages import public_path
from challenge.platform.accounts.guards import staff_required
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.problems import Problem

DEVELOPMENT = "development"


def local_input(value: datetime | None) -> str:
    """A datetime as a datetime-local field shows it (wall clock in Berlin)."""
    return value.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M") if value else ""


def _local(value: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=BERLIN)
    except ValueError:
        raise service.invalid(field, N_("Enter a date and time.")) from None


def _ids(data: dict) -> list[UUID]:
    values = data.get("candidates", [])
    values = values if isinstance(values, list) else [values]
    ids = []
    for value in values:
        try:
            ids.append(UUID(str(value)))
        except ValueError:
            continue
    return ids


async def staff_context(call: dict) -> dict:
    """Everything the staff page shows."""
    voting = await service.voting_of(call["id"])
    proposals = await service.proposals_of_call(call["id"])
    context = {
        "call": call,
        "voting": voting,
        "proposals": proposals,
        "public": public_path(call["slug"]),
    }
    if voting is None:
        context.update(
            state=None,
            candidates=[],
            chosen={str(p["id"]) for p in proposals if p["outcome"] == DEVELOPMENT},
            figures=None,
            results=None,
            values={"opens_at": "", "closes_at": ""},
        )
        return context
    candidates = await service.candidates_of(voting["id"], consented_only=False)
    state = service.state_of(voting)
    context.update(
        state=state,
        candidates=candidates,
        chosen={str(c["submission"]) for c in candidates},
        figures=await ballot.staff_figures(voting["id"]),
        results=await ballot.results(call) if state == "closed" else None,
        values={
            "opens_at": local_input(voting["opens_at"]),
            "closes_at": local_input(voting["closes_at"]),
        },
    )
    return context


async def _page(call: dict, errors: dict | None = None, status: int = 200, **extra) -> Template:
    context = await staff_context(call)
    if extra.get("values"):
        context["values"] = extra.pop("values")
    return Template(
        template_name="participation/prize/staff.html",
        context={**context, "errors": errors or {}, "done": "", **extra},
        status_code=status,
    )


class StaffPrizePages(Controller):
    path = "/staff/calls/{slug:str}/people-prize"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_people_prize")
    async def index(self, slug: FromPath[str], done: FromQuery[str] = "") -> Template:
        call = await get_call(slug, include_drafts=True)
        return await _page(call, done=done)

    @post("/")
    async def save_voting(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        values = {name: form_value(data, name) for name in ("opens_at", "closes_at")}
        try:
            await service.open_voting(
                request.scope["user"],
                call,
                _local(values["opens_at"], "opens_at"),
                _local(values["closes_at"], "closes_at"),
                _ids(data),
            )
        except Problem as problem:
            return await _page(call, errors_of(problem), problem.status, values=values)
        return Redirect(f"/staff/calls/{slug}/people-prize?done=voting", status_code=303)

    @post("/candidates/{submission_id:uuid}")
    async def save_text(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        try:
            await service.set_text(
                request.scope["user"],
                call,
                submission_id,
                form_value(data, "public_title"),
                form_value(data, "summary"),
            )
        except Problem as problem:
            errors = {f"{submission_id}:{k}": v for k, v in errors_of(problem).items()}
            return await _page(call, errors, problem.status)
        return Redirect(
            f"/staff/calls/{slug}/people-prize?done=text#candidate-{submission_id}",
            status_code=303,
        )

    @post("/void")
    async def void(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        try:
            if form_value(data, "confirm") != "1":
                raise service.invalid("confirm", N_("Please confirm that these votes are void."))
            voided = await ballot.void(
                request.scope["user"],
                call,
                form_value(data, "reason"),
                ip=form_value(data, "ip"),
                email_domain=form_value(data, "email_domain"),
            )
        except Problem as problem:
            return await _page(call, {"void": errors_of(problem)}, problem.status)
        return Redirect(f"/staff/calls/{slug}/people-prize?done=void-{voided}", status_code=303)
