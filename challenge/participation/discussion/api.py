"""JSON API of supports and comments (/work/shared/API.md, "Participation").

`POST`/`DELETE /api/v1/participation/problems/{id}/support` (signed in) answer
``{supported, supports}``; `POST …/comments` (signed in) and `GET …/comments` (public, paged);
`POST /api/v1/comments/{id}/report` (anyone), `…/hide` ``{reason}``, `…/unhide` and `…/keep`
(staff: keep a reported comment shown, closing its reports)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.participation.discussion import moderation, service, supports
from challenge.platform.accounts.guards import staff_required
from challenge.platform.accounts.web import current_user, ip_of
from challenge.platform.pagination import Page


class SupportOut(msgspec.Struct):
    supported: bool
    supports: int


class CommentIn(msgspec.Struct, kw_only=True):
    body: str
    parent_id: UUID | None = None
    # the name to be shown by, for a person who has not chosen one yet (or to change it)
    display_name: str | None = None


class CommentOut(msgspec.Struct, kw_only=True):
    id: UUID
    parent_id: UUID | None
    author_name: str | None  # None: the person chose no name (shown as a neutral word)
    own: bool
    created_at: datetime
    hidden: bool
    removed: bool  # blank: its author's data was erased
    hidden_reason: str
    body: str | None  # None when hidden (moderators still read it)
    body_html: str | None
    reports: int | None = None  # moderators only
    replies: list[CommentOut] = []


class CommentPage(msgspec.Struct):
    items: list[CommentOut]
    page: int
    pages: int
    total: int


class ReportIn(msgspec.Struct, kw_only=True):
    reason: str = ""


class ReportOut(msgspec.Struct):
    reported: bool


class HideIn(msgspec.Struct, kw_only=True):
    reason: str


class HideOut(msgspec.Struct):
    hidden: bool
    hidden_reason: str


def comment_out(item: dict) -> CommentOut:
    """A comment (with its replies) as the API returns it."""
    return CommentOut(**{**item, "replies": [comment_out(reply) for reply in item["replies"]]})


class ProblemDiscussionApi(Controller):
    path = "/api/v1/participation/problems/{problem_id:uuid}"
    tags = ["participation"]

    @post("/support", status_code=HTTP_200_OK, summary="Support a problem (once per account)")
    async def support(self, request: Request, problem_id: FromPath[UUID]) -> SupportOut:
        found = await supports.support(current_user(request), problem_id, ip_of(request))
        return SupportOut(**found)

    @delete("/support", status_code=HTTP_200_OK, summary="Withdraw one's support")
    async def withdraw(self, request: Request, problem_id: FromPath[UUID]) -> SupportOut:
        found = await supports.withdraw(current_user(request), problem_id, ip_of(request))
        return SupportOut(**found)

    @post("/comments", status_code=HTTP_201_CREATED, summary="Comment on a problem or reply")
    async def comment(
        self, request: Request, problem_id: FromPath[UUID], data: JSONBody[CommentIn]
    ) -> CommentOut:
        user = current_user(request)
        item = await service.write_comment(
            user, problem_id, data.body, ip_of(request), data.parent_id, data.display_name
        )
        return comment_out(item)

    @get("/comments", summary="A problem's comments, threads newest first")
    async def comments(
        self, request: Request, problem_id: FromPath[UUID], page: Page = 1
    ) -> CommentPage:
        found = await service.comments(current_user(request), problem_id, page)
        return CommentPage(
            items=[comment_out(item) for item in found["items"]],
            page=found["page"],
            pages=found["pages"],
            total=found["total"],
        )


class CommentsApi(Controller):
    path = "/api/v1/comments/{comment_id:uuid}"
    tags = ["participation"]

    @post("/report", status_code=HTTP_200_OK, summary="Report a comment to the moderators")
    async def report(
        self, request: Request, comment_id: FromPath[UUID], data: JSONBody[ReportIn | None] = None
    ) -> ReportOut:
        reason = data.reason if data is not None else ""
        found = await moderation.report(
            current_user(request),
            comment_id,
            reason,
            ip_of(request),
            request.app.state.settings.secret_key or "",
        )
        return ReportOut(**found)

    @post("/hide", status_code=HTTP_200_OK, guards=[staff_required], summary="Hide a comment")
    async def hide(
        self, request: Request, comment_id: FromPath[UUID], data: JSONBody[HideIn]
    ) -> HideOut:
        return HideOut(**await moderation.hide(current_user(request), comment_id, data.reason))

    @post("/unhide", status_code=HTTP_200_OK, guards=[staff_required], summary="Show it again")
    async def unhide(self, request: Request, comment_id: FromPath[UUID]) -> HideOut:
        return HideOut(**await moderation.unhide(current_user(request), comment_id))

    @post("/keep", status_code=HTTP_200_OK, guards=[staff_required], summary="Keep it shown")
    async def keep(self, request: Request, comment_id: FromPath[UUID]) -> HideOut:
        return HideOut(**await moderation.keep(current_user(request), comment_id))
