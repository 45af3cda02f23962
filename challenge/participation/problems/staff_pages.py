"""Staff's moderation pages: the queue of pending problems (oldest first, paged) with a form per
problem to publish, decline with a reason, or decline as a duplicate of a published problem
(chosen by search on its own page). A published problem's page offers staff to merge it into
another published problem (the same search page) or to take it down with a reason. Declining,
merging and taking down ask for confirmation first; a refused form shows the queue (or the
confirmation with the reason) again with what was typed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.participation.problems import moderation, service
from challenge.platform.accounts.guards import staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.pagination import Page
from challenge.platform.problems import Problem, not_found

Text = Annotated[str, QueryParameter(max_length=100)]
Notice = Annotated[str | None, QueryParameter(max_length=20)]
NOTICES = ("published", "declined", "merged", "already")
CONFIRMED = ("decline", "merge", "withdraw")


async def _queue(page: int, *, errors=None, values=None, target=None, notice=None, status=200):
    found = await moderation.queue(page)
    if target is not None and target not in [row["id"] for row in found["items"]]:
        found["items"] = await moderation.queue_items([target]) + found["items"]
    return Template(
        template_name="participation/staff/queue.html",
        context={
            "found": found,
            "errors": errors or {},
            "values": values or {},
            "target": target,  # the problem whose form was refused
            "notice": notice if notice in NOTICES else None,
        },
        status_code=status,
    )


async def _pending(problem_id: UUID) -> dict:
    row = await service.get_problem(problem_id)
    if row is None:
        raise not_found()
    [shown] = await service.shown([row])
    return shown


def _into(value: str) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


class ModerationPages(Controller):
    path = "/staff/participation"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_participation")
    async def index(self, page: Page = 1, notice: Notice = None) -> Template:
        return await _queue(page, notice=notice)

    @get("/{problem_id:uuid}/merge", name="staff_participation_merge")
    async def choose_target(
        self, problem_id: FromPath[UUID], q: Text = "", page: Page = 1
    ) -> Template:
        problem = await _pending(problem_id)
        return Template(
            template_name="participation/staff/merge.html",
            context={
                "problem": problem,
                "q": " ".join(q.split()),
                "found": await moderation.merge_targets(problem_id, q, page),
            },
        )

    @post("/{problem_id:uuid}")
    async def decide(
        self, request: Request, problem_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        values = {name: form_value(data, name) for name in ("decision", "reason", "into")}
        into = _into(values["into"])
        if values["decision"] in CONFIRMED and form_value(data, "confirmed") != "1":
            return await self._confirm(problem_id, values, into)
        try:
            await moderation.moderate(
                current_user(request),
                problem_id,
                values["decision"],
                values["reason"],
                into,
                base_url=request.app.state.settings.base_url,
            )
        except Problem as problem:
            if problem.status == 404:
                raise
            if problem.code == "already_moderated":
                return Redirect("/staff/participation?notice=already", status_code=303)
            if values["decision"] in ("withdraw", "merge"):
                return await self._confirm(problem_id, values, into, errors_of(problem))
            return await _queue(
                1,
                errors=errors_of(problem),
                values=values,
                target=problem_id,
                status=problem.status,
            )
        if values["decision"] in ("withdraw", "merge"):
            return Redirect(f"/mitmachen/{problem_id}?notice=moderated", status_code=303)
        notice = moderation.TO_STATE.get(values["decision"], "published")
        return Redirect(f"/staff/participation?notice={notice}", status_code=303)

    async def _confirm(
        self, problem_id: UUID, values: dict, into: UUID | None, errors: dict | None = None
    ) -> Template:
        """The confirmation step of a decline, merge or take-down (nothing is changed yet); a
        take-down's reason is asked for (again) here."""
        problem = await _pending(problem_id)
        errors = dict(errors or {})
        if values["decision"] == "decline" and not values["reason"].strip():
            errors["reason"] = moderation.REASON_REQUIRED
        if values["decision"] == "withdraw" and not values["reason"].strip():
            errors["reason"] = moderation.WITHDRAW_REASON_REQUIRED
        if values["decision"] == "merge" and into is None:
            errors["into"] = moderation.TARGET_REQUIRED
        if errors and values["decision"] != "withdraw":
            if problem["status"] != "pending":
                raise Problem(422, "validation_error", next(iter(errors.values())))
            return await _queue(1, errors=errors, values=values, target=problem_id, status=422)
        return Template(
            template_name="participation/staff/confirm.html",
            context={
                "problem": problem,
                "values": values,
                "errors": errors,
                "target_title": await service.title_of(into),
            },
            status_code=422 if errors else 200,
        )
