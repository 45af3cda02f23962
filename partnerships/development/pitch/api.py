"""JSON API of the pitch day (shared/API.md, "Development phase and pilots"): staff schedule it
and order its slots; staff, the selected teams and the jurors of round 2 get it as .ics."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from challenge.platform.accounts.guards import staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.i18n import N_
from challenge.platform.problems import not_found
from partnerships.development import access
from partnerships.development.pitch import audience, services
from partnerships.development.pitch.calendar import pitch_calendar
from partnerships.development.schemas import PitchIn


class SlotOrderIn(msgspec.Struct):
    submission_ids: list[UUID]


def schedule_out(shown: dict | None) -> dict | None:
    """The event and its slots as the API returns them."""
    if shown is None:
        return None
    return {
        "starts_at": shown["starts_at"].isoformat(),
        "place": shown["place"],
        "video_url": shown["video_url"],
        "slot_minutes": shown["slot_minutes"],
        "round": shown["round_number"],
        "slots": [
            {
                "position": s["position"],
                "submission_id": str(s["submission_id"]),
                "reference": s["reference"],
                "title": s["title"],
                "team": s["team"],
                "challenge": s["challenge_key"],
                "starts_at": s["starts_at"].isoformat(),
                "ends_at": s["ends_at"].isoformat(),
                "minutes": s["minutes"],
            }
            for s in shown["slots"]
        ],
    }


class PitchApi(Controller):
    path = "/api/v1/calls/{slug:str}"
    tags = ["development"]

    @post("/pitch", status_code=HTTP_200_OK, guards=[staff_required])
    async def schedule(
        self, request: Request, slug: FromPath[str], data: JSONBody[PitchIn]
    ) -> dict | None:
        """Schedule or re-schedule the pitch day: jury round 2 ("Pitch", the five published
        criteria), its shortlist (the teams selected for the development phase), slots in
        challenge order; teams and round-2 jurors get the schedule by mail."""
        user = current_user(request)
        call = await services.staff_call(user, slug)
        shown = await services.schedule(
            user, call, data, base_url=request.app.state.settings.base_url
        )
        return schedule_out(shown)

    @get("/pitch", guards=[staff_required])
    async def show(self, request: Request, slug: FromPath[str]) -> dict | None:
        """The pitch day with its slots (``null`` before it is scheduled)."""
        call = await services.staff_call(current_user(request), slug)
        return schedule_out(await services.schedule_of(call))

    @put("/pitch/slots", status_code=HTTP_200_OK, guards=[staff_required])
    async def reorder(
        self, request: Request, slug: FromPath[str], data: JSONBody[SlotOrderIn]
    ) -> dict | None:
        """A new order of the slots (every scheduled team once); the times follow."""
        user = current_user(request)
        call = await services.staff_call(user, slug)
        shown = await services.reorder(
            user, call, data.submission_ids, base_url=request.app.state.settings.base_url
        )
        return schedule_out(shown)

    @post("/pitch/panel", status_code=HTTP_200_OK, guards=[staff_required])
    async def panel(self, request: Request, slug: FromPath[str]) -> dict:
        """Assign the jurors of round 2 every team of their challenges (after naming them)."""
        user = current_user(request)
        call = await services.staff_call(user, slug)
        return {"created": await services.assign_panel(user, call)}

    @get("/pitch.ics")
    async def calendar(self, request: Request, slug: FromPath[str]) -> Response:
        """The pitch day for calendars: staff and round-2 jurors get every slot (a blind call's
        jurors by reference only), a selected team its own; 404 for anyone else."""
        user = current_user(request)
        call = await access.call_by_slug(slug)
        shown = await services.schedule_of(call) if call else None
        view = await audience.view_for(user, call, shown) if shown else None
        if view is None:
            raise not_found(N_("No pitch day is scheduled for this call."))
        slots, names = view
        body = pitch_calendar(
            call, shown, request.app.state.settings.base_url, slots=slots, names=names
        )
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="pitch-{slug}.ics"'},
        )
