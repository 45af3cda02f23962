"""Staff page of a call's people's prize, ``/staff/calls/{slug}/people-prize``: choose the
candidates among the call's proposals (the development phase's teams preselected), set the
window, write each candidate's public title and summary, follow the teams' consent, see the
votes' figures (counts per candidate only after the close, so nobody is swayed) and void
votes from one IP address (network) or mail domain, or single votes chosen in the paged list of
votes (``?page=``), with a reason and a confirmation. The services check that the person is staff
themselves (prize.service.require_moderator)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from challenge.calls.services import get_call
from challenge.participation.prize import ballot, service, staffing
from challenge.participation.prize.pages import public_path
from challenge.platform.accounts.guards import staff_required
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.pagination import Page
from challenge.platform.problems import Problem

DEVELOPMENT = "development"
VOTES_PER_PAGE = 50  # votes in the page's list to void single ones


def local_input(value: datetime | None) -> str:
    """A datetime as a datetime-local field shows it (wall clock in Berlin)."""
    return value.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M") if value else ""


def parse_local(value: str, field: str) -> datetime:
    """A typed date and time: its own offset when it names one ("…+01:00", "…Z"), otherwise
    the wall clock in Berlin (what a datetime-local field sends)."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise service.invalid(field, N_("Enter a date and time.")) from None
    return moment.replace(tzinfo=BERLIN) if moment.tzinfo is None else moment


def _ids(data: dict, name: str = "candidates") -> list[UUID]:
    values = data.get(name, [])
    values = values if isinstance(values, list) else [values]
    ids = []
    for value in values:
        try:
            ids.append(UUID(str(value)))
        except ValueError:
            continue
    return ids


def _votes_view(listed: dict, candidates: list[dict]) -> dict:
    """The page of votes with the challenge's and (after the close) the candidate's title in
    place of their ids: staff see no ids."""
    challenges = {service.group_key(c): c["challenge_title"] or "" for c in candidates}
    titles = {c["submission"]: c["public_title"] for c in candidates}
    for row in listed["items"]:
        row["challenge_title"] = challenges.get(row["challenge_key"], "")
        row["candidate_title"] = titles.get(row["submission_id"], "")
    return listed


async def staff_context(call: dict, actor, page: int = 1) -> dict:
    """Everything the staff page shows (page: of the list of votes)."""
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
            votes=None,
            values={"opens_at": "", "closes_at": ""},
        )
        return context
    candidates = await service.candidates_of(voting["id"], consented_only=False)
    state = service.state_of(voting)
    listed = await staffing.votes_for_staff(actor, call, page, size=VOTES_PER_PAGE)
    context.update(
        state=state,
        candidates=candidates,
        chosen={str(c["submission"]) for c in candidates},
        figures=await staffing.staff_figures(actor, voting["id"]),
        results=await ballot.results(call) if state == "closed" else None,
        votes=_votes_view(listed, candidates),
        values={
            "opens_at": local_input(voting["opens_at"]),
            "closes_at": local_input(voting["closes_at"]),
        },
    )
    return context


async def _page(
    request: Request, call: dict, errors: dict | None = None, status: int = 200, **extra
) -> Template:
    context = await staff_context(call, request.scope["user"], extra.pop("page", 1))
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
    async def index(
        self, request: Request, slug: FromPath[str], done: FromQuery[str] = "", page: Page = 1
    ) -> Template:
        call = await get_call(slug, include_drafts=True)
        return await _page(request, call, done=done, page=page)

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
                parse_local(values["opens_at"], "opens_at"),
                parse_local(values["closes_at"], "closes_at"),
                _ids(data),
            )
        except Problem as problem:
            return await _page(request, call, errors_of(problem), problem.status, values=values)
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
            return await _page(request, call, errors, problem.status)
        return Redirect(
            f"/staff/calls/{slug}/people-prize?done=text#candidate-{submission_id}",
            status_code=303,
        )

    @post("/void")
    async def void(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        chosen = _ids(data, "vote")
        single = form_value(data, "single") == "1"
        key = "void_votes" if single else "void"
        try:
            if single and not chosen:
                raise service.invalid("vote", N_("Choose the votes to void."))
            if form_value(data, "confirm") != "1":
                raise service.invalid("confirm", N_("Please confirm that these votes are void."))
            voided = await staffing.void(
                request.scope["user"],
                call,
                form_value(data, "reason"),
                ip="" if single else form_value(data, "ip"),
                email_domain="" if single else form_value(data, "email_domain"),
                vote_ids=chosen if single else [],
            )
        except Problem as problem:
            page = _page_number(form_value(data, "page"))
            return await _page(request, call, {key: errors_of(problem)}, problem.status, page=page)
        return Redirect(f"/staff/calls/{slug}/people-prize?done=void-{voided}", status_code=303)


def _page_number(value: str) -> int:
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1
