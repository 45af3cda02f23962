"""Staff ranking and decision pages, and the public results page."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.calls.services import get_call
from challenge.jury import rounds as jury_rounds
from challenge.platform.accounts import stepup
from challenge.platform.accounts.guards import login_required, staff_required
from challenge.platform.domains import each
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_, request_locale
from challenge.platform.jobs import service as jobs
from challenge.platform.money import money_field
from challenge.platform.pagination import Page, page_within
from challenge.platform.problems import FieldError, Problem
from challenge.results import decisions, overview, publication, selection
from challenge.results.scores import METHODS
from challenge.results.services import ranking_for, top_of_ranking

Number = Annotated[int, QueryParameter(ge=1, le=10)]
Method = Annotated[str, QueryParameter(max_length=20)]
Key = Annotated[str, QueryParameter(max_length=40)]


async def _page(
    request: Request,
    call: dict,
    *,
    number: int = 1,
    method: str = "mean",
    page: int = 1,
    challenge: str = "",
    errors: dict | None = None,
    notice=None,
    status: int = 200,
) -> Template:
    shown = await overview.ranking_page(
        call, number=number, method=method, page=page, challenge=challenge
    )
    awarded = [
        e["result"].entry
        for e in shown.get("entries", [])
        if e["decision"] and e["decision"]["award_cents"]
    ]
    entry_links: dict = {}
    for _domain, offered in each("entry_actions"):
        for entry, links in (await offered(request.user, awarded)).items():
            entry_links.setdefault(entry, []).extend(links)
    return Template(
        template_name="challenge/results/staff.html",
        status_code=status,
        context={
            "call": call,
            **shown,
            "entry_links": entry_links,
            "errors": errors or {},
            "notice": notice,
        },
    )


def _back(slug: str, number: int = 1, method: str = "mean") -> Redirect:
    return Redirect(f"/staff/calls/{slug}/results?round={number}&method={method}", status_code=303)


class StaffResultsPages(Controller):
    path = "/staff/calls/{slug:str}/results"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_results")
    async def results(
        self,
        request: Request,
        slug: FromPath[str],
        round: Number = 1,
        method: Method = "mean",
        page: Page = 1,
        challenge: Key = "",
    ) -> Template:
        call = await get_call(slug, include_drafts=True)
        return await _page(
            request, call, number=round, method=method, page=page, challenge=challenge
        )

    @get("/decide/{submission_id:uuid}", name="staff_decide")
    async def decide_form(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[UUID]
    ) -> Template:
        call = await get_call(slug, include_drafts=True)
        return await _decide_page(call, submission_id, locale=request_locale(request))

    @post("/decide/{submission_id:uuid}")
    async def decide(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        if asking := await stepup.page_step_up(request, data):
            return asking
        values = {
            "outcome": form_value(data, "outcome"),
            "award": form_value(data, "award"),
            "rationale": form_value(data, "rationale"),
        }
        try:
            cents = (
                money_field(
                    values["award"],
                    "award",
                    request_locale(request),
                    required=False,
                    unreadable=N_("Enter the award in euros, e.g. 40000 or 40.000,00."),
                )
                or 0
            )
            await decisions.set_decision(
                request.scope["user"],
                call,
                submission_id=submission_id,
                outcome=values["outcome"],
                award_cents=cents,
                rationale=values["rationale"],
            )
        except Problem as problem:
            problem = selection.localised(problem, request_locale(request))
            errors = {
                ("award" if k == "award_cents" else k): v for k, v in errors_of(problem).items()
            }
            return await _decide_page(
                call,
                submission_id,
                values=values,
                errors=errors,
                status=problem.status,
                extra=problem.extra,
            )
        return Redirect(f"/staff/calls/{slug}/results#entry-{submission_id}", status_code=303)

    @post("/rest-not-selected")
    async def rest(self, request: Request, slug: FromPath[str]) -> Template:
        call = await get_call(slug, include_drafts=True)
        try:
            count = await decisions.decide_rest_not_selected(request.scope["user"], call)
        except Problem as problem:
            return await _page(request, call, errors=errors_of(problem), status=problem.status)
        return await _page(request, call, notice=("rest", count))

    @post("/shortlist")
    async def shortlist(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        """Into a later round: the top N of the ranking, or the entries ticked in the table."""
        call = await get_call(slug, include_drafts=True)
        method = form_value(data, "method") or "mean"
        try:
            number = int(form_value(data, "target") or "0")
            ticked = data.get("entry", [])
            ticked = [UUID(v) for v in (ticked if isinstance(ticked, list) else [ticked]) if v]
            top = form_value(data, "top").strip()
            if top:
                count = int(top)
                if count < 1:
                    raise ValueError
                ticked = await top_of_ranking(
                    call, number=int(form_value(data, "round") or "1"), method=method, count=count
                )
            if not ticked:
                raise Problem(
                    422,
                    "validation_error",
                    N_("Some fields are missing or invalid."),
                    errors=[
                        FieldError(
                            "top", N_("Name how many entries go on, or tick them in the table.")
                        )
                    ],
                )
            chosen = await jury_rounds.set_shortlist(request.scope["user"], call, number, ticked)
        except ValueError:
            return await _page(
                request, call, errors={"top": N_("Enter a whole number of entries.")}, status=422
            )
        except Problem as problem:
            errors = errors_of(problem)
            return await _page(
                request,
                call,
                errors={"top": errors.get("_form", next(iter(errors.values())))},
                status=problem.status,
            )
        return await _page(request, call, notice=("shortlisted", len(chosen), number))

    @post("/challenges/{key:str}/release-ranking")
    async def release_ranking(
        self, request: Request, slug: FromPath[str], key: FromPath[str]
    ) -> Redirect:
        """Let the challenge's owning unit read its ranking, then back to its tab."""
        call = await get_call(slug, include_drafts=True)
        await selection.release_ranking(request.scope["user"], call, key)
        return Redirect(f"/staff/calls/{slug}/results?challenge={key}", status_code=303)

    @get("/publish", name="staff_results_publish")
    async def publish_confirm(self, request: Request, slug: FromPath[str]) -> Template:
        call = await get_call(slug, include_drafts=True)
        return await _publish_page(call)

    @post("/publish")
    async def publish(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        if asking := await stepup.page_step_up(request, dict((await request.form()).items())):
            return asking
        try:
            await publication.publish_results(
                request.scope["user"], call, base_url=request.app.state.settings.base_url
            )
        except Problem as problem:
            return await _publish_page(call, problem=problem)
        return Redirect(f"/calls/{slug}/results", status_code=303)

    @post("/certificates")
    async def start_certificates(self, request: Request, slug: FromPath[str]) -> Redirect:
        call = await get_call(slug, include_drafts=True)
        await jobs.submit(
            "certificates",
            f"call:{call['id']}",
            actor=request.scope["user"],
            payload={"call": str(call["id"])},
        )
        return Redirect(f"/staff/calls/{slug}/results#certificates", status_code=303)

    @get("/certificates", name="staff_certificates_progress")
    async def certificates_progress(self, slug: FromPath[str]) -> Template:
        """The progress fragment the page polls while the job runs."""
        call = await get_call(slug, include_drafts=True)
        return Template(
            template_name="challenge/results/_certificates.html",
            context={"call": call, "certs": await overview.certificate_state(call)},
        )


async def _decide_page(
    call: dict,
    submission_id: UUID,
    *,
    locale: str = "de",
    values: dict | None = None,
    errors: dict | None = None,
    status: int = 200,
    extra: dict | None = None,
) -> Template:
    form = await overview.decision_form(call, submission_id, locale=locale, values=values)
    return Template(
        template_name="challenge/results/decide.html",
        status_code=status,
        context={
            "call": call,
            **form,
            "errors": errors or {},
            "extra": extra or {},
        },
    )


async def _publish_page(call: dict, *, problem: Problem | None = None) -> Template:
    summary = await overview.publish_summary(call)
    return Template(
        template_name="challenge/results/publish.html",
        status_code=problem.status if problem else 200,
        context={
            "call": call,
            **summary,
            "errors": errors_of(problem) if problem else {},
            "missing": (problem.extra.get("entries") if problem else None) or [],
        },
    )


class PublicResultsPages(Controller):
    path = "/calls/{slug:str}/results"
    include_in_schema = False

    @get("/", name="call_results")
    async def results(self, slug: FromPath[str]) -> Template:
        call = await get_call(slug, include_drafts=False)
        return Template(
            template_name="challenge/results/public.html",
            context={"call": call, "results": await publication.public_results(call)},
        )


UNIT_PAGE_SIZE = 50  # entries of a unit's ranking page (a challenge may have thousands)


class UnitRankingPages(Controller):
    """The owning unit's view of its challenge's ranking, once staff released it."""

    path = "/unit"
    include_in_schema = False
    guards = [login_required]

    @get("/challenges/{challenge_id:uuid}/ranking", name="unit_ranking")
    async def ranking(
        self,
        request: Request,
        challenge_id: FromPath[UUID],
        method: Method = "mean",
        page: Page = 1,
    ) -> Template:
        call, challenge = await selection.unit_ranking(request.scope["user"], challenge_id)
        method = method if method in METHODS else "mean"
        result, titles = await ranking_for(call, method=method, challenge=challenge)
        page, pages = page_within(page, len(result.entries), UNIT_PAGE_SIZE)
        start = (page - 1) * UNIT_PAGE_SIZE
        return Template(
            template_name="challenge/results/unit_ranking.html",
            context={
                "call": call,
                "challenge": challenge,
                "ranking": result,
                "shown": result.entries[start : start + UNIT_PAGE_SIZE],
                "page": page,
                "pages": pages,
                "titles": titles,
                "method": method,
                "methods": METHODS,
            },
        )
