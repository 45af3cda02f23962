"""JSON API of residents' problems (/work/shared/API.md, "Participation").

`POST /api/v1/participation/problems` (a verified account) answers 201 with the pending
problem; `POST …/{id}/moderate` (staff) publishes or declines a pending problem (a duplicate with
``into``: the published problem it repeats), merges a published one into another (``into``) or
takes a published one down (``decision: withdraw``, reason required); the list and one problem
are public for published ones. No e-mail address or account id is ever part of an answer: the
author is their chosen name or a neutral word."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.participation import policies
from challenge.participation.path.view import problem_path
from challenge.participation.problems import moderation, service
from challenge.participation.profiles import ANONYMOUS
from challenge.platform.accounts.guards import staff_required
from challenge.platform.accounts.web import current_user, ip_of
from challenge.platform.i18n import gettext, request_locale
from challenge.platform.pagination import Page


class ProblemIn(msgspec.Struct, kw_only=True):
    title: str
    description: str
    district: str
    topic: str


class ModerationIn(msgspec.Struct, kw_only=True):
    decision: str
    reason: str = ""
    into: UUID | None = None


class ProblemOut(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    description_html: str
    district: str
    topic: str
    status: str
    author: str
    created_at: datetime
    published_at: datetime | None
    supports: int
    comments: int
    challenge: UUID | None = None
    merged_into: UUID | None = None
    reason: str | None = None  # why it was declined or withdrawn: for the author and staff only
    path: list = msgspec.field(default_factory=list)


class ProblemItemOut(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    district: str
    topic: str
    author: str
    published_at: datetime | None
    supports: int
    comments: int
    challenge: UUID | None = None


def _author(row: dict, locale: str) -> str:
    return row.get("author_name") or gettext(ANONYMOUS, locale)


def problem_out(user, row: dict, locale: str, path: list) -> ProblemOut:
    """One problem as the API returns it (the decline reason only to author and staff)."""
    own = user is not None and (policies.may_moderate(user) or row["author"] == user.id)
    return ProblemOut(
        id=row["id"],
        title=row["title"],
        description_html=row["description_html"],
        district=row["district"],
        topic=row["topic"],
        status=row["status"],
        author=_author(row, locale),
        created_at=row["created_at"],
        published_at=row["published_at"],
        supports=row["support_count"],
        comments=row["comment_count"],
        challenge=service.public_challenge(row),
        merged_into=row["merged_into"],
        reason=row["reason"] if own else None,
        path=path,
    )


def item_out(row: dict, locale: str) -> ProblemItemOut:
    """A problem in the public list."""
    return ProblemItemOut(
        id=row["id"],
        title=row["title"],
        district=row["district"],
        topic=row["topic"],
        author=_author(row, locale),
        published_at=row["published_at"],
        supports=row["support_count"],
        comments=row["comment_count"],
        challenge=service.public_challenge(row),
    )


async def _one(request: Request, row: dict) -> ProblemOut:
    user = current_user(request)
    [shown] = await service.shown([row])
    path = await problem_path(shown)
    return problem_out(user, shown, request_locale(request), msgspec.to_builtins(path))


class ProblemsApi(Controller):
    path = "/api/v1/participation/problems"
    tags = ["participation"]

    @post("/", status_code=HTTP_201_CREATED, summary="Propose a problem (moderated)")
    async def propose(self, request: Request, data: JSONBody[ProblemIn]) -> ProblemOut:
        user = current_user(request)
        service.require_participant(user)
        values = service.cleaned(data.title, data.description, data.district, data.topic)
        await service.count_attempt(user, ip_of(request))
        row = await service.propose(user, values)
        return await _one(request, row)

    @get("/", summary="Published problems, by supports or newest first")
    async def list_problems(
        self,
        request: Request,
        page: Page = 1,
        sort: FromQuery[str] = "supports",
        topic: FromQuery[str] = "",
        district: FromQuery[str] = "",
        q: FromQuery[str] = "",
    ) -> dict:
        found = await service.public_list(
            sort=sort if sort in service.SORTS else "supports",
            topic=topic,
            district=district,
            q=q,
            page=page,
        )
        locale = request_locale(request)
        return {**found, "items": [item_out(row, locale) for row in found["items"]]}

    @get("/{problem_id:uuid}", summary="One problem with its path")
    async def one(self, request: Request, problem_id: FromPath[UUID]) -> ProblemOut:
        row = await service.visible_problem(current_user(request), problem_id)
        return await _one(request, row)

    @post(
        "/{problem_id:uuid}/moderate",
        status_code=HTTP_200_OK,
        guards=[staff_required],
        summary="Publish, decline, merge or withdraw a problem",
    )
    async def moderate(
        self, request: Request, problem_id: FromPath[UUID], data: JSONBody[ModerationIn]
    ) -> ProblemOut:
        row = await moderation.moderate(
            current_user(request),
            problem_id,
            data.decision,
            data.reason,
            data.into,
            base_url=request.app.state.settings.base_url,
        )
        return await _one(request, row)
