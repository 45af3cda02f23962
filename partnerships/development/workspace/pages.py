"""The workspace page of a selected team (/development/{submission_id}): the phase's dates and
contacts, the stipend agreement's and offer's status, the checklist as a task list with a form
per item, meetings and files — for the team, the owning unit and staff; no JavaScript needed.
The link to the workspace's thread shows where challenge.messages.policies.thread_access opens
it (a unit member who sits on the call's jury sees the workspace, not its thread)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.messages import policies as thread_policies
from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.forms import FormData, errors_of
from challenge.platform.markdown import render_markdown
from challenge.platform.problems import Problem
from partnerships.development.rules import (
    CHECKLIST_OWNER_LABELS as OWNER_LABELS,
)
from partnerships.development.rules import (
    CHECKLIST_STATUS_LABELS as STATUS_LABELS,
)
from partnerships.development.rules import OFFER_STATUS_LABELS
from partnerships.development.workspace import checklist, services
from partnerships.development.workspace.forms import (
    checklist_from_form,
    meeting_from_form,
    values_of,
)

NOTICES = ("item", "meeting", "file")
BADGES = {"open": "info", "in_progress": "warning", "done": "success", "not_needed": "success"}
MEETING_FIELDS = ("held_at", "participants", "minutes")
ITEM_FIELDS = ("status", "owner", "note", "due_on")


async def workspace_page(
    request: Request,
    submission_id: UUID,
    *,
    status: int = 200,
    errors: dict | None = None,
    values: dict | None = None,
    form: str = "",
    notice: str | None = None,
    saved_item: str = "",
) -> Template:
    """The workspace page, with a form's errors and values when it was refused."""
    user = current_user(request)
    data = await services.workspace(user, submission_id)
    for meeting in data["meetings"]:
        meeting["minutes_html"] = render_markdown(meeting["minutes"])
    # the thread's link only for whom the thread opens (not a unit member on the call's jury)
    thread = await thread_policies.thread_access(user, "workspace", submission_id)
    return Template(
        template_name="development/workspace.html",
        status_code=status,
        context={
            **data,
            "back": await services.way_back(user, data["entry"]),
            "reads_thread": thread is not None,
            "errors": errors or {},
            "values": values or {},
            "form": form,
            "notice": notice,
            "saved_item": saved_item if notice == "item" else "",
            "status_labels": STATUS_LABELS,
            "owner_labels": OWNER_LABELS,
            "offer_labels": OFFER_STATUS_LABELS,
            "badges": BADGES,
            "max_mb": services.FILE_RULES.max_bytes // (1024 * 1024),
        },
    )


def _prefixed(errors: dict, prefix: str) -> dict:
    """A form's field errors under ids unique on the page (``{prefix}-{field}``)."""
    return {(f"{prefix}-{k}" if k != "_form" else k): v for k, v in errors.items()}


class WorkspacePages(Controller):
    path = "/development/{submission_id:uuid}"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="development_workspace")
    async def detail(
        self,
        request: Request,
        submission_id: FromPath[UUID],
        notice: Annotated[str | None, QueryParameter(max_length=20)] = None,
        item: Annotated[str | None, QueryParameter(max_length=40)] = None,
    ) -> Template:
        return await workspace_page(
            request,
            submission_id,
            notice=notice if notice in NOTICES else None,
            saved_item=item or "",
        )

    @post("/checklist/{key:str}")
    async def item(
        self, request: Request, submission_id: FromPath[UUID], key: FromPath[str], data: FormData
    ) -> Template | Redirect:
        try:
            await checklist.update_item(
                current_user(request), submission_id, key, checklist_from_form(data)
            )
        except Problem as problem:
            if problem.status == 404:
                raise
            return await workspace_page(
                request,
                submission_id,
                status=problem.status,
                errors=_prefixed(errors_of(problem), key),
                values=values_of(data, ITEM_FIELDS),
                form=f"item-{key}",
            )
        return Redirect(
            f"/development/{submission_id}?notice=item&item={key}#item-{key}", status_code=303
        )

    @post("/meetings")
    async def meeting(
        self, request: Request, submission_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        try:
            await services.add_meeting(
                current_user(request), submission_id, meeting_from_form(data)
            )
        except Problem as problem:
            if problem.status == 404:
                raise
            return await workspace_page(
                request,
                submission_id,
                status=problem.status,
                errors=errors_of(problem),
                values=values_of(data, MEETING_FIELDS),
                form="meeting",
            )
        return Redirect(f"/development/{submission_id}?notice=meeting#meetings", status_code=303)

    @post("/files", request_max_body_size=None)
    async def file(self, request: Request, submission_id: FromPath[UUID]) -> Template | Redirect:
        try:
            await services.add_file(
                current_user(request),
                submission_id,
                request.app.state.storage,
                lambda: MultipartUpload(request),
            )
        except Problem as problem:
            if problem.status == 404:
                raise
            errors = errors_of(problem)
            if "_form" in errors:
                errors = {"file": errors["_form"]}
            return await workspace_page(
                request, submission_id, status=problem.status, errors=errors, form="file"
            )
        return Redirect(f"/development/{submission_id}?notice=file#files", status_code=303)
