"""The thread pages (issue 20): a proposal's (/submissions/{id}/messages: team, staff, the owning
unit), a development workspace's (/development/{id}/messages) and a partnership's
(/partnerships/{id}/messages). Newest message first, a page at a time; HTMX refreshes the list
(a request with ``HX-Request`` gets the list alone). The proposal's page also holds its
information requests: staff ask, the team answers (with a file), staff show an answer to the jury
or withdraw the request. Every form works without JavaScript (CSRF token first, so an upload
form's token travels in its body)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.messages import inbox, policies, requests, threads
from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.pagination import Page
from challenge.platform.problems import Problem

Notice = Annotated[str | None, QueryParameter(max_length=20)]
NOTICES = ("sent", "asked", "answered", "shown", "hidden", "withdrawn")
# Who wrote a message, as the page says it; what kind of message it is (plain ones: nothing).
SIDE_WORDS = {
    "team": N_("Team"),
    "staff": N_("City staff"),
    "unit": N_("City unit"),
    "partner": N_("Partner"),
    "person": N_("Person"),
    "system": N_("Portal"),
}
KIND_WORDS = {
    "request": N_("Information request"),
    "answer": N_("Answer"),
    "announcement": N_("Announcement"),
}


async def thread_page(
    request: Request,
    subject: tuple[str, UUID],
    page: int = 1,
    *,
    errors: dict | None = None,
    values: dict | None = None,
    form: str = "",
    notice: str | None = None,
    status: int = 200,
) -> Template:
    """The thread page (or, for HTMX, its list of messages) with a refused form's errors."""
    user = current_user(request)
    view = await threads.view(user, *subject, page)
    subject_type, subject_id = subject
    context = {
        **view,
        "errors": errors or {},
        "values": values or {},
        "form": form,
        "notice": notice if notice in NOTICES else None,
        "requests": [],
        "may_ask": False,
        "side_words": SIDE_WORDS,
        "kind_words": KIND_WORDS,
        "subject_words": inbox.SUBJECT_WORDS,
    }
    if request.headers.get("hx-request"):
        return Template(
            template_name="messages/_messages.html",
            context=context,
            headers={"Vary": "HX-Request"},
        )
    if subject_type == "submission":
        context["requests"] = await requests.of_submission(user, subject_id, view["access"])
        context["may_ask"] = policies.may_ask(user, view["access"])
    return Template(
        template_name="messages/thread.html",
        context=context,
        status_code=status,
        headers={"Vary": "HX-Request"},
    )


async def post_message(request: Request, subject: tuple[str, UUID]) -> Template | Redirect:
    """The message form: on to the thread, or the page again with what to fix."""
    multipart = MultipartUpload(request)
    try:
        await threads.post_form(
            current_user(request),
            *subject,
            request.app.state.storage,
            multipart,
            base_url=request.app.state.settings.base_url,
        )
    except Problem as problem:
        if problem.status == 404:
            raise
        return await thread_page(
            request,
            subject,
            errors=_file_errors(problem),
            values={"body": multipart.fields.get("body", "")},
            form="message",
            status=problem.status,
        )
    return Redirect(f"{threads.thread_path(*subject)}?notice=sent#messages", status_code=303)


def _file_errors(problem: Problem) -> dict:
    """A refusal's messages by field; one about the upload as a whole belongs to the file."""
    errors = errors_of(problem)
    return {"file": errors["_form"]} if "_form" in errors else errors


class ThreadPages(Controller):
    """The three subjects' thread pages and their message forms."""

    include_in_schema = False
    guards = [login_required]

    @get("/submissions/{submission_id:uuid}/messages", name="proposal_messages")
    async def proposal(
        self, request: Request, submission_id: FromPath[UUID], page: Page = 1, notice: Notice = None
    ) -> Template:
        return await thread_page(request, ("submission", submission_id), page, notice=notice)

    @post("/submissions/{submission_id:uuid}/messages", request_max_body_size=None)
    async def write_proposal(
        self, request: Request, submission_id: FromPath[UUID]
    ) -> Template | Redirect:
        return await post_message(request, ("submission", submission_id))

    @get("/development/{submission_id:uuid}/messages", name="workspace_messages")
    async def workspace(
        self, request: Request, submission_id: FromPath[UUID], page: Page = 1, notice: Notice = None
    ) -> Template:
        return await thread_page(request, ("workspace", submission_id), page, notice=notice)

    @post("/development/{submission_id:uuid}/messages", request_max_body_size=None)
    async def write_workspace(
        self, request: Request, submission_id: FromPath[UUID]
    ) -> Template | Redirect:
        return await post_message(request, ("workspace", submission_id))

    @get("/partnerships/{partnership_id:uuid}/messages", name="partnership_messages")
    async def partnership(
        self,
        request: Request,
        partnership_id: FromPath[UUID],
        page: Page = 1,
        notice: Notice = None,
    ) -> Template:
        return await thread_page(request, ("partnership", partnership_id), page, notice=notice)

    @post("/partnerships/{partnership_id:uuid}/messages", request_max_body_size=None)
    async def write_partnership(
        self, request: Request, partnership_id: FromPath[UUID]
    ) -> Template | Redirect:
        return await post_message(request, ("partnership", partnership_id))


def _due_from_form(data: dict) -> datetime | None:
    """The form's due date (local time in the city) as an aware datetime; None when unreadable
    (the service refuses it once it knows the person may ask)."""
    try:
        return datetime.fromisoformat(form_value(data, "due_at").strip()).replace(tzinfo=BERLIN)
    except ValueError:
        return None


class RequestPages(Controller):
    """The information request forms on a proposal's thread page."""

    include_in_schema = False
    guards = [login_required]

    @post("/submissions/{submission_id:uuid}/requests")
    async def ask(
        self, request: Request, submission_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        """Staff ask the team a question with a due date."""
        subject = ("submission", submission_id)
        try:
            await requests.ask(
                current_user(request),
                submission_id,
                form_value(data, "question"),
                _due_from_form(data),
                base_url=request.app.state.settings.base_url,
            )
        except Problem as problem:
            if problem.status in (403, 404):
                raise
            values = {k: form_value(data, k) for k in ("question", "due_at")}
            errors = errors_of(problem)
            return await thread_page(
                request, subject, errors=errors, values=values, form="ask", status=problem.status
            )
        return Redirect(f"{threads.thread_path(*subject)}?notice=asked#requests", status_code=303)

    @post("/requests/{request_id:uuid}/answer", request_max_body_size=None)
    async def answer(self, request: Request, request_id: FromPath[UUID]) -> Template | Redirect:
        """The team answers (text and an optional file), also after the call's deadline."""
        multipart = MultipartUpload(request)
        try:
            row = await requests.answer_form(
                current_user(request),
                request_id,
                request.app.state.storage,
                multipart,
                base_url=request.app.state.settings.base_url,
            )
        except Problem as problem:
            if problem.status in (403, 404):
                raise
            row = await requests.get(request_id)
            return await thread_page(
                request,
                ("submission", row["submission"]),
                errors=_file_errors(problem),
                values={"body": multipart.fields.get("body", "")},
                form=f"answer-{request_id}",
                status=problem.status,
            )
        path = threads.thread_path("submission", row["submission"])
        return Redirect(f"{path}?notice=answered#request-{request_id}", status_code=303)

    @post("/requests/{request_id:uuid}/jury")
    async def jury(self, request: Request, request_id: FromPath[UUID], data: FormData) -> Redirect:
        """Staff show an answer to the proposal's jurors, or stop showing it."""
        shown = form_value(data, "for_jury") == "1"
        row = await requests.show_to_jury(current_user(request), request_id, shown)
        path = threads.thread_path("submission", row["submission"])
        notice = "shown" if shown else "hidden"
        return Redirect(f"{path}?notice={notice}#request-{request_id}", status_code=303)

    @post("/requests/{request_id:uuid}/withdraw")
    async def withdraw(self, request: Request, request_id: FromPath[UUID]) -> Redirect:
        """Staff withdraw an open request."""
        row = await requests.withdraw(current_user(request), request_id)
        path = threads.thread_path("submission", row["submission"])
        return Redirect(f"{path}?notice=withdrawn#request-{request_id}", status_code=303)
