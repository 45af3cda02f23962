"""Pages of the people's prize.

- ``/mitmachen/publikumspreis/{slug}`` (public): before the opening its dates; while open the
  ballot per challenge (radio buttons; a signed-in person sees and changes their vote, anonymous
  visitors see the candidates and a sign-in link); after the close the results with counts and
  the number of voided votes. It says that the jury decides independently.
- ``/submissions/{id}/people-prize`` (the proposal's team): the public title and summary, and
  the buttons to consent or decline; the form carries the text's fingerprint, so a consent
  counts only for the text read (409 ``text_changed``: the page shows the new text).
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from challenge.calls.services import get_call
from challenge.participation.prize import ballot, consent, service
from challenge.participation.prize.hooks import consent_path
from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import ip_of
from challenge.platform.forms import FormData, form_value
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem

PUBLIC_PATH = "/mitmachen/publikumspreis"


def public_path(slug: str) -> str:
    """The public page of a call's people's prize."""
    return f"{PUBLIC_PATH}/{slug}"


async def page_context(call: dict, user) -> dict:
    """What the public page shows in the voting's state."""
    voting = await service.require_voting(call)
    state = service.state_of(voting)
    context = {"call": call, "voting": voting, "state": state, "groups": [], "results": None}
    if state == "closed":
        context["results"] = await ballot.results(call)
        return context
    mine = await ballot.votes_of(user, voting["id"])
    groups = ballot.ballot_groups(await service.candidates_of(voting["id"], consented_only=True))
    for group in groups:
        vote = mine.get(group["challenge_key"]) or {}
        group["my_vote"] = str(vote["submission"]) if vote.get("submission") else None
        group["voided"] = bool(vote.get("voided"))
    context["groups"] = groups
    return context


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


class PrizePages(Controller):
    path = PUBLIC_PATH
    include_in_schema = False

    @get("/{slug:str}", name="people_prize")
    async def show(
        self, request: Request, slug: FromPath[str], voted: FromQuery[str] = ""
    ) -> Template:
        call = await get_call(slug, include_drafts=False)
        context = await page_context(call, request.scope.get("user"))
        return Template(
            template_name="participation/prize/public.html",
            context={**context, "voted": voted, "errors": {}, "path": public_path(slug)},
        )

    @post("/{slug:str}", guards=[login_required])
    async def vote(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=False)
        key = form_value(data, "challenge") or service.NO_CHALLENGE
        chosen = _uuid_or_none(form_value(data, "submission_id"))
        user = request.scope["user"]
        try:
            if chosen is None:
                raise service.invalid(
                    "submission_id", N_("Choose one of the candidates of this challenge.")
                )
            await ballot.cast(user, call, key, chosen, ip_of(request))
        except Problem as problem:
            context = await page_context(call, user)
            message = problem.errors[0].message if problem.errors else problem.detail
            return Template(
                template_name="participation/prize/public.html",
                context={
                    **context,
                    "voted": "",
                    "errors": {key: message},
                    "path": public_path(slug),
                },
                status_code=problem.status,
            )
        return Redirect(f"{public_path(slug)}?voted={key}#challenge-{key}", status_code=303)


class ConsentPages(Controller):
    path = "/submissions/{submission_id:uuid}/people-prize"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="people_prize_consent")
    async def show(
        self, request: Request, submission_id: FromPath[UUID], saved: FromQuery[bool] = False
    ) -> Template:
        found = await consent.team_candidacy(request.scope["user"], submission_id)
        return _consent_page(found, submission_id, saved)

    @post("/")
    async def decide(
        self, request: Request, submission_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        user = request.scope["user"]
        decision = form_value(data, "decision")
        try:
            if decision not in ("consent", "decline"):
                raise service.invalid("decision", N_("Please choose whether you agree."))
            await consent.decide_consent(
                user, submission_id, decision == "consent", form_value(data, "version") or None
            )
        except Problem as problem:
            found = await consent.team_candidacy(user, submission_id)
            page = _consent_page(found, submission_id, False, problem)
            page.status_code = problem.status
            return page
        return Redirect(f"{consent_path(submission_id)}?saved=true", status_code=303)


def _consent_page(found: dict, submission_id: UUID, saved: bool, problem=None) -> Template:
    return Template(
        template_name="participation/prize/consent.html",
        context={
            **found,
            "state": service.state_of(found["voting"]),
            "submission_id": submission_id,
            "saved": saved,
            "version": consent.text_version(
                found["candidate"]["public_title"], found["candidate"]["summary"]
            ),
            "error": problem.detail if problem else None,
            "public": public_path(found["call"]["slug"]),
        },
    )
