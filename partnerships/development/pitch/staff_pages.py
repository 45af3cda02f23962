"""Staff page of a call's pitch day (/staff/calls/{slug}/pitch): the schedule form (date and
time in Leipzig, place, video link, minutes per team), the slots with buttons to move a team up
or down, the jurors of round 2 with their scoring progress, and a button that assigns them the
teams of their challenges."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.platform.accounts.guards import staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.problems import Problem
from partnerships.development.pitch import services, staff

FIELDS = ("starts_at", "place", "video_url", "slot_minutes")
NOTICES = ("saved", "moved", "assigned")


class StaffPitchPages(Controller):
    path = "/staff/calls/{slug:str}/pitch"
    include_in_schema = False
    guards = [staff_required]

    async def _page(
        self, request: Request, slug: str, *, errors=None, values=None, status=200, notice=None
    ) -> Template:
        call = await services.staff_call(current_user(request), slug)
        data = await staff.overview(call)
        return Template(
            template_name="development/pitch_staff.html",
            status_code=status,
            context={
                **data,
                "errors": errors or {},
                "values": values or staff.form_values(data["shown"]),
                "notice": notice,
            },
        )

    @get("/", name="staff_pitch")
    async def index(
        self,
        request: Request,
        slug: FromPath[str],
        notice: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> Template:
        """The schedule, the slots, the jurors and the progress."""
        return await self._page(request, slug, notice=notice if notice in NOTICES else None)

    @post("/")
    async def save(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        """Schedule or re-schedule; the teams and jurors get the schedule by mail."""
        user = current_user(request)
        call = await services.staff_call(user, slug)
        try:
            await services.schedule(
                user,
                call,
                staff.pitch_from_form(data),
                base_url=request.app.state.settings.base_url,
            )
        except Problem as problem:
            return await self._page(
                request,
                slug,
                errors=errors_of(problem),
                values={name: form_value(data, name) for name in FIELDS},
                status=problem.status,
            )
        return Redirect(f"/staff/calls/{slug}/pitch?notice=saved", status_code=303)

    @post("/move/{submission_id:uuid}")
    async def move(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[UUID], data: FormData
    ) -> Redirect:
        """Move a team one slot earlier or later."""
        user = current_user(request)
        call = await services.staff_call(user, slug)
        step = -1 if form_value(data, "direction") == "up" else 1
        await services.move(
            user, call, submission_id, step, base_url=request.app.state.settings.base_url
        )
        return Redirect(f"/staff/calls/{slug}/pitch?notice=moved", status_code=303)

    @post("/panel")
    async def panel(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        """Assign the round-2 jurors the teams of their challenges."""
        user = current_user(request)
        call = await services.staff_call(user, slug)
        try:
            await services.assign_panel(user, call)
        except Problem as problem:
            return await self._page(request, slug, errors=errors_of(problem), status=problem.status)
        return Redirect(f"/staff/calls/{slug}/pitch?notice=assigned", status_code=303)
