"""The moderators' comment list (/staff/participation/comments): reported comments first, with
the reasons given; hide one with a reason everyone reads, show it again, or keep a reported one
shown (closing its reports)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from challenge.participation.discussion import moderation, queue
from challenge.participation.discussion.moderation import REASON_MAX
from challenge.platform.accounts.guards import staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.pagination import Page
from challenge.platform.problems import Problem

DONE = ("hidden", "shown", "kept")


async def _list(page: int, done: str = "", errors: dict | None = None, values=None, status=200):
    return Template(
        template_name="participation/staff_comments.html",
        context={
            "found": await queue.comments_page(page),
            "done": done if done in DONE else "",
            "errors": errors or {},
            "values": values or {},
            "reason_max": REASON_MAX,
        },
        status_code=status,
    )


def _back(page: int, done: str, comment_id: UUID) -> Redirect:
    return Redirect(
        f"/staff/participation/comments?page={page}&done={done}#c-{comment_id}", status_code=303
    )


def _page_of(data: dict) -> int:
    raw = form_value(data, "page")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 100_000 else 1


class StaffCommentPages(Controller):
    path = "/staff/participation/comments"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_participation_comments")
    async def index(self, page: Page = 1, done: FromQuery[str] = "") -> Template:
        return await _list(page, done)

    @post("/{comment_id:uuid}/hide")
    async def hide(
        self, request: Request, comment_id: FromPath[UUID], data: FormData
    ) -> Redirect | Template:
        page, reason = _page_of(data), form_value(data, "reason")
        try:
            await moderation.hide(current_user(request), comment_id, reason)
        except Problem as problem:
            if problem.status != 422:
                raise
            errors = {f"reason-{comment_id}": message for message in errors_of(problem).values()}
            values = {f"reason-{comment_id}": reason}
            return await _list(page, errors=errors, values=values, status=422)
        return _back(page, "hidden", comment_id)

    @post("/{comment_id:uuid}/unhide")
    async def unhide(
        self, request: Request, comment_id: FromPath[UUID], data: FormData
    ) -> Redirect:
        await moderation.unhide(current_user(request), comment_id)
        page = _page_of(data)
        return _back(page, "shown", comment_id)

    @post("/{comment_id:uuid}/keep")
    async def keep(self, request: Request, comment_id: FromPath[UUID], data: FormData) -> Redirect:
        await moderation.keep(current_user(request), comment_id)
        return _back(_page_of(data), "kept", comment_id)
