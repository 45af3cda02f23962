"""Public HTML pages for calls: the home page and a call's page."""

from __future__ import annotations

from litestar import Controller, Request, Response, get
from litestar.params import FromPath
from litestar.response import Template

from challenge.calls import services
from challenge.calls.entries import challenges_of
from challenge.calls.events import public_events
from challenge.calls.policies import may_see_draft_calls
from challenge.platform import clock
from challenge.platform.i18n import format_duration, request_locale
from challenge.platform.markdown import render_markdown
from challenge.platform.page_cache import PUBLIC_PAGE_SECONDS


class CallPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/", name="home", cache=PUBLIC_PAGE_SECONDS)
    async def home(self) -> Template:
        overview = await services.public_overview()
        challenges = {call["id"]: await challenges_of(call["id"]) for call in overview.open}
        return Template(
            template_name="challenge/home.html",
            context={"overview": overview, "challenges": challenges},
        )

    @get("/calls/{slug:str}", name="call", cache=PUBLIC_PAGE_SECONDS)
    async def call(self, request: Request, slug: FromPath[str]) -> Template:
        call = await services.get_call(
            slug, include_drafts=may_see_draft_calls(request.scope.get("user"))
        )
        now = clock.now()
        return Template(
            template_name="challenge/calls/detail.html",
            context={
                "countdown": format_duration(
                    (call["closes_at"] - now).total_seconds(), request_locale(request)
                ),
                "events": await public_events(call["id"]),
                "call": services.to_out(call, now),
                "call_phase": services.call_phase(call, now),
                "challenges": await services.challenge_cards(call["id"]),
                "description_html": render_markdown(call["description"]),
                "eligibility_html": render_markdown(call["eligibility"]),
            },
        )

    @get("/calls/{slug:str}/call.pdf", name="call_pdf")
    async def call_pdf(self, request: Request, slug: FromPath[str]) -> Response:
        """The call as an official, verifiable PDF."""
        from challenge.platform.documents.downloads import download

        call = await services.get_call(
            slug, include_drafts=may_see_draft_calls(request.scope.get("user"))
        )
        settings = request.app.state.settings
        document = await services.call_document(
            request.app.state.storage, call, base_url=settings.base_url
        )
        return await download(request.app.state.storage, settings, document)

    @get("/calls/{slug:str}/dates.ics", name="call_ics")
    async def call_ics(self, request: Request, slug: FromPath[str]) -> Response:
        """The call's dates for calendars (opening, deadline, jury, results)."""
        call = await services.get_call(
            slug, include_drafts=may_see_draft_calls(request.scope.get("user"))
        )
        challenges = await challenges_of(call["id"])
        return Response(
            services.call_calendar(call, request.app.state.settings.base_url, challenges),
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{slug}.ics"'},
        )
