"""The forms of a problem's discussion (they work without JavaScript): support and withdraw,
comment and reply, report a comment after a confirmation page. Each answers with a redirect back
to the problem's page (/mitmachen/{id}) and a notice (``?diskussion=…``); a comment with errors
comes back on a page of its own with the text kept."""

from __future__ import annotations

from urllib.parse import quote
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.participation.discussion import access, moderation, service, supports
from challenge.participation.discussion.comments import BODY_MAX, invalid
from challenge.participation.discussion.moderation import REASON_MAX
from challenge.participation.profiles import display_name
from challenge.platform.accounts.web import current_user, ip_of
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found


def _back(problem_id: UUID, notice: str, anchor: str, page: int = 1) -> Redirect:
    query = f"page={page}&diskussion={notice}" if page > 1 else f"diskussion={notice}"
    return Redirect(f"/mitmachen/{problem_id}?{query}#{anchor}", status_code=303)


def _login(problem_id: UUID) -> Redirect:
    return Redirect(f"/login?next={quote(f'/mitmachen/{problem_id}', safe='/')}", status_code=303)


def _parent(data: dict) -> UUID | None:
    """The comment answered, if any; a malformed id is refused (422), never posted top-level."""
    raw = form_value(data, "parent_id")
    try:
        return UUID(raw) if raw else None
    except ValueError:
        raise invalid(
            [FieldError("parent_id", N_("The comment to answer does not exist."))]
        ) from None


async def _comment_form(user, problem_id: UUID, values: dict, problem: Problem) -> Template:
    found = await access.problem_row(problem_id)
    return Template(
        template_name="participation/_discussion_comment.html",
        context={
            "problem": found,
            "d": {
                "base": f"/mitmachen/{problem_id}",
                "body_max": BODY_MAX,
                "display_name": await display_name(user.id),
            },
            "comment_values": values,
            "comment_errors": errors_of(problem),
        },
        status_code=problem.status,
    )


class DiscussionPages(Controller):
    path = "/mitmachen/{problem_id:uuid}"
    include_in_schema = False

    @post("/unterstuetzen", name="participation_support")
    async def support(self, request: Request, problem_id: FromPath[UUID]) -> Redirect:
        if current_user(request) is None:
            return _login(problem_id)
        await supports.support(current_user(request), problem_id, ip_of(request))
        return _back(problem_id, "unterstuetzt", "unterstuetzen")

    @post("/unterstuetzen/zurueckziehen", name="participation_withdraw")
    async def withdraw(self, request: Request, problem_id: FromPath[UUID]) -> Redirect:
        if current_user(request) is None:
            return _login(problem_id)
        await supports.withdraw(current_user(request), problem_id, ip_of(request))
        return _back(problem_id, "zurueckgezogen", "unterstuetzen")

    @post("/kommentare", name="participation_comment")
    async def comment(
        self, request: Request, problem_id: FromPath[UUID], data: FormData
    ) -> Redirect | Template:
        user = current_user(request)
        if user is None:
            return _login(problem_id)
        values = {
            "body": form_value(data, "body"),
            "parent_id": form_value(data, "parent_id"),
            "display_name": form_value(data, "display_name"),
        }
        try:
            parent = _parent(data)
            item = await service.write_comment(
                user,
                problem_id,
                values["body"],
                ip_of(request),
                parent,
                values["display_name"] or None,
            )
        except Problem as problem:
            if problem.status in (404, 409):
                raise
            return await _comment_form(user, problem_id, values, problem)
        page = await service.placed(
            problem_id,
            {"id": item["id"], "parent": item["parent_id"], "created_at": item["created_at"]},
        )
        return _back(problem_id, "kommentiert", f"kommentar-{item['id']}", page)

    @get("/kommentare/{comment_id:uuid}/melden", name="participation_report_form")
    async def report_form(
        self, request: Request, problem_id: FromPath[UUID], comment_id: FromPath[UUID]
    ) -> Template:
        comment, problem = await access.open_comment(current_user(request), comment_id)
        if comment["problem"] != problem_id:
            raise not_found(access.COMMENT_NOT_FOUND)
        shown = await service.seen(current_user(request), comment)
        return _report_page(problem, shown, {"reason": ""}, {})

    @post("/kommentare/{comment_id:uuid}/melden", name="participation_report")
    async def report(
        self,
        request: Request,
        problem_id: FromPath[UUID],
        comment_id: FromPath[UUID],
        data: FormData,
    ) -> Redirect | Template:
        user = current_user(request)
        comment, problem = await access.open_comment(user, comment_id)
        if comment["problem"] != problem_id:
            raise not_found(access.COMMENT_NOT_FOUND)
        reason = form_value(data, "reason")
        try:
            await moderation.report(
                user,
                comment_id,
                reason,
                ip_of(request),
                request.app.state.settings.secret_key or "",
            )
        except Problem as refused:
            shown = await service.seen(user, comment)
            return _report_page(
                problem, shown, {"reason": reason}, errors_of(refused), refused.status
            )
        return _back(problem_id, "gemeldet", f"kommentar-{comment_id}")


def _report_page(problem: dict, comment: dict, values: dict, errors: dict, status: int = 200):
    return Template(
        template_name="participation/_discussion_report.html",
        context={
            "problem": problem,
            "comment": comment,
            "values": values,
            "errors": errors,
            "reason_max": REASON_MAX,
        },
        status_code=status,
    )
