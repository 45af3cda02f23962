"""Participation's open data files under /opendata/participation (issue 21, point 6): CSV and
JSON, with the open-data licence named in the files' Link header and in the JSON."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, Response, get

from challenge.participation.opendata import service

POLL_SECONDS = 60


def _headers(request: Request, filename: str) -> dict[str, str]:
    settings = request.app.state.settings
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": f"public, max-age={POLL_SECONDS}",
        "Access-Control-Allow-Origin": "*",
        "Link": f'<{settings.opendata_license}>; rel="license"',
    }


def _csv(request: Request, body: bytes, filename: str) -> Response:
    return Response(body, media_type="text/csv; charset=utf-8", headers=_headers(request, filename))


def _json(request: Request, name: str, rows: list[dict], filename: str) -> Response:
    body = msgspec.json.encode(service.envelope(request.app.state.settings, name, rows))
    return Response(body, media_type="application/json", headers=_headers(request, filename))


class ParticipationOpenData(Controller):
    path = "/opendata/participation"
    tags = ["open data"]

    @get("/problems.csv", summary="Published problems of residents as CSV")
    async def problems_csv(self, request: Request) -> Response:
        rows = await service.problems()
        return _csv(request, service.as_csv(service.PROBLEM_FIELDS, rows), "probleme.csv")

    @get("/problems.json", summary="Published problems of residents as JSON")
    async def problems_json(self, request: Request) -> Response:
        return _json(request, "problems", await service.problems(), "probleme.json")

    @get("/votes.csv", summary="People's prize results (closed votings, counts only) as CSV")
    async def votes_csv(self, request: Request) -> Response:
        rows = await service.votes()
        return _csv(request, service.as_csv(service.VOTE_FIELDS, rows), "publikumspreis.csv")

    @get("/votes.json", summary="People's prize results (closed votings, counts only) as JSON")
    async def votes_json(self, request: Request) -> Response:
        return _json(request, "votes", await service.votes(), "publikumspreis.json")
