"""JSON API of the pilot decisions (shared/API.md, "Development phase and pilots")."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from challenge.platform.accounts.guards import staff_required
from partnerships.development.pilots import services
from partnerships.development.schemas import PilotIn


class PilotsApi(Controller):
    path = "/api/v1/calls/{slug:str}/pilots"
    tags = ["development"]
    guards = [staff_required]

    @post("/", status_code=HTTP_201_CREATED)
    async def decide(self, request: Request, slug: FromPath[str], data: JSONBody[PilotIn]) -> dict:
        """At most one pilot per challenge (422 ``one_pilot_per_challenge``) or none; a pilot
        gets a draft contract (kind ``pilot``) prefilled from the team's submitted offer."""
        return await services.decide(request.scope["user"], slug, data)

    @get("/")
    async def decisions(self, request: Request, slug: FromPath[str]) -> list[dict]:
        """Per challenge: its key and title and the decision if taken (else ``null``)."""
        _call, rows = await services.overview(request.scope["user"], slug)
        return [
            {"challenge": r["key"], "title": r["title"], "decision": r["decision"]} for r in rows
        ]
