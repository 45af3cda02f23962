"""Public open data: the OCDS packages (with ETag), CSV exports, funded-project pages and the
open-data page listing each dataset."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from challenge.platform.i18n import N_
from challenge.platform.page_cache import PUBLIC_PAGE_SECONDS
from challenge.platform.pagination import Page
from challenge.platform.problems import not_found
from partnerships.development.rules import licences
from partnerships.opendata import cache, project_list, projects
from partnerships.opendata.ocds import publisher

POLL_SECONDS = 60
Owner = Annotated[str, QueryParameter(max_length=36)]


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header takes gzip: named (or ``*``) without ``q=0``."""
    weights = {}
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weights[coding.strip()] = quality
    chosen = next((weights[c] for c in ("gzip", "x-gzip") if c in weights), weights.get("*", 0))
    return chosen > 0


def _conditional(request: Request, file: cache.Stored, media_type: str, filename: str) -> Response:
    """The cached file with its ETag (304 for a matching If-None-Match), gzip-compressed as
    stored when the client takes gzip."""
    gzipped = accepts_gzip(request.headers.get("accept-encoding", ""))
    etag = file.gzip_etag if gzipped else file.etag
    headers = {
        "ETag": etag,
        "Vary": "Accept-Encoding",
        "Cache-Control": f"public, max-age={POLL_SECONDS}",
        "Content-Disposition": f'inline; filename="{filename}"',
        "Access-Control-Allow-Origin": "*",
    }
    wanted = [t.strip() for t in request.headers.get("if-none-match", "").split(",")]
    if etag in wanted or "*" in wanted:
        return Response(b"", status_code=304, headers=headers)
    # Stored as sent: the routes opt out of the compression middleware (opt "skip_compression",
    # challenge.app) — the gzip variant is not compressed twice, the plain one not for a client
    # that refused gzip with q=0.
    if not gzipped:
        return Response(file.body, media_type=media_type, headers=headers)
    return Response(
        file.gzipped, media_type=media_type, headers={**headers, "Content-Encoding": "gzip"}
    )


class OpenDataApi(Controller):
    path = "/api/v1/opendata"
    tags = ["open data"]

    @get(
        "/ocds/release-package.json",
        summary="OCDS 1.1.5 release package of all signed partnerships",
        opt={"skip_compression": True},
    )
    async def release_package(self, request: Request) -> Response:
        """Conditional GET: send the ETag back as If-None-Match and get 304 while nothing changed."""
        packages = await cache.packages(request.app.state.settings)
        return _conditional(request, packages.release, "application/json", "release-package.json")

    @get(
        "/ocds/record-package.json",
        summary="OCDS 1.1.5 record package (compiled releases)",
        opt={"skip_compression": True},
    )
    async def record_package(self, request: Request) -> Response:
        packages = await cache.packages(request.app.state.settings)
        return _conditional(request, packages.record, "application/json", "record-package.json")

    @get("/projects.csv", summary="Funded projects as CSV", media_type="text/csv")
    async def projects_csv(self) -> Response:
        return Response(
            await projects.projects_csv(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="projekte.csv"'},
        )

    @get("/payments.csv", summary="Payments to funded projects as CSV", media_type="text/csv")
    async def payments_csv(self) -> Response:
        return Response(
            await projects.payments_csv(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="zahlungen.csv"'},
        )


class PublicProjectPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/projects", name="projects", cache=PUBLIC_PAGE_SECONDS)
    async def projects(self, owner: Owner = "", page: Page = 1) -> Template:
        """Funded projects a page at a time, optionally only those of one challenge owner (a
        unit's id)."""
        shown = await project_list.projects_page(owner, page)
        return Template(
            template_name="partnerships/public/projects.html",
            context={
                **shown,
                "owners": await project_list.owners(),
                "owner": owner,
                "query": urlencode({"owner": owner}) if owner else "",
            },
        )

    @get("/projects/{project_id:uuid}", name="project", cache=PUBLIC_PAGE_SECONDS)
    async def project(self, project_id: FromPath[UUID]) -> Template:
        row = await projects.project(project_id)
        if row is None:
            raise not_found(N_("Project not found"))
        source = (row.get("path") or {}).get("open_source") or {}
        known = licences()
        names = (
            {source["licence"]: known[source["licence"]]["name"]}
            if source.get("licence") in known
            else {}
        )
        return Template(
            template_name="partnerships/public/project.html",
            context={"project": row, "licence_names": names},
        )

    @get("/opendata", name="opendata", cache=PUBLIC_PAGE_SECONDS)
    async def datasets(self, request: Request) -> Template:
        settings = request.app.state.settings
        return Template(
            template_name="partnerships/public/opendata.html",
            context={
                "base": settings.base_url,
                "license": settings.opendata_license,
                "publisher": publisher(settings),
                "licence_name": projects.LICENCE_NAME
                if "dl-de/by-2-0" in settings.opendata_license
                else settings.opendata_license,
            },
        )
