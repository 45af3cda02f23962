"""JSON API of conversations (API.md, Messages): a thread's messages on a proposal, a development
workspace and a partnership (GET a page newest first, POST ``{body}``), and information requests.
A subject the caller may not read answers 404 (its existence stays hidden); a reader who may not
do the step answers 403; bad input answers problem+json with a stable code."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.messages import requests, threads
from challenge.messages.schemas import (
    AnswerIn,
    JuryIn,
    MessageIn,
    MessageOut,
    RequestIn,
    RequestOut,
    ThreadOut,
    message_out,
    request_out,
    thread_out,
)
from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import current_user
from challenge.platform.pagination import Page


async def _thread(request: Request, subject_type: str, subject_id: UUID, page: int) -> ThreadOut:
    view = await threads.view(current_user(request), subject_type, subject_id, page)
    return thread_out(view, threads.PER_PAGE)


async def _post(request: Request, subject_type: str, subject_id: UUID, body: str) -> MessageOut:
    settings = request.app.state.settings
    row = await threads.post(
        current_user(request), subject_type, subject_id, body, base_url=settings.base_url
    )
    return message_out(row)


class SubmissionMessagesApi(Controller):
    """The thread on a proposal and on its development workspace; the proposal's requests."""

    path = "/api/v1/submissions/{submission_id:uuid}"
    tags = ["messages"]
    guards = [login_required]

    @get("/messages", summary="The proposal's messages, newest first")
    async def messages(
        self, request: Request, submission_id: FromPath[UUID], page: Page = 1
    ) -> ThreadOut:
        """Team, staff and the owning unit (once it reads the proposal); never jurors."""
        return await _thread(request, "submission", submission_id, page)

    @post("/messages", status_code=HTTP_201_CREATED, summary="Write to the proposal's thread")
    async def write(
        self, request: Request, submission_id: FromPath[UUID], data: JSONBody[MessageIn]
    ) -> MessageOut:
        """Markdown, at most 20,000 characters (422 ``message_too_long``)."""
        return await _post(request, "submission", submission_id, data.body)

    @get("/development/messages", summary="The development workspace's messages")
    async def workspace_messages(
        self, request: Request, submission_id: FromPath[UUID], page: Page = 1
    ) -> ThreadOut:
        """Whoever sees the workspace: the team, the owning unit and staff."""
        return await _thread(request, "workspace", submission_id, page)

    @post("/development/messages", status_code=HTTP_201_CREATED)
    async def write_workspace(
        self, request: Request, submission_id: FromPath[UUID], data: JSONBody[MessageIn]
    ) -> MessageOut:
        """A message in the development workspace's thread."""
        return await _post(request, "workspace", submission_id, data.body)

    @get("/requests", summary="The proposal's information requests")
    async def list_requests(
        self, request: Request, submission_id: FromPath[UUID]
    ) -> list[RequestOut]:
        """Newest first, for the readers of the proposal's thread."""
        user = current_user(request)
        access = await threads.readable(user, "submission", submission_id)
        rows = await requests.of_submission(user, submission_id, access)
        return [request_out(row) for row in rows]

    @post("/requests", status_code=HTTP_201_CREATED, summary="Ask the team for information")
    async def ask(
        self, request: Request, submission_id: FromPath[UUID], data: JSONBody[RequestIn]
    ) -> RequestOut:
        """Staff: 409 ``not_submitted`` for a draft, 422 ``due_in_past``."""
        row = await requests.ask(
            current_user(request),
            submission_id,
            data.question,
            data.due_at,
            base_url=request.app.state.settings.base_url,
        )
        return request_out(row)


class PartnershipMessagesApi(Controller):
    """The thread on a partnership: the partner's members, staff and finance."""

    path = "/api/v1/partnerships/{partnership_id:uuid}/messages"
    tags = ["messages"]
    guards = [login_required]

    @get("/", summary="The partnership's messages, newest first")
    async def messages(
        self, request: Request, partnership_id: FromPath[UUID], page: Page = 1
    ) -> ThreadOut:
        return await _thread(request, "partnership", partnership_id, page)

    @post("/", status_code=HTTP_201_CREATED, summary="Write to the partnership's thread")
    async def write(
        self, request: Request, partnership_id: FromPath[UUID], data: JSONBody[MessageIn]
    ) -> MessageOut:
        return await _post(request, "partnership", partnership_id, data.body)


class RequestsApi(Controller):
    """One information request: the team answers; staff show it to the jury or withdraw it."""

    path = "/api/v1/requests/{request_id:uuid}"
    tags = ["messages"]
    guards = [login_required]

    @post("/answer", status_code=HTTP_200_OK, summary="Answer a request (the team)")
    async def answer(
        self, request: Request, request_id: FromPath[UUID], data: JSONBody[AnswerIn]
    ) -> RequestOut:
        """Also after the call's deadline; 409 ``request_answered`` or ``request_withdrawn``."""
        row = await requests.answer(
            current_user(request),
            request_id,
            data.body,
            base_url=request.app.state.settings.base_url,
        )
        return request_out(row)

    @post("/jury", status_code=HTTP_200_OK, summary="Show an answer to the jury, or not")
    async def jury(
        self, request: Request, request_id: FromPath[UUID], data: JSONBody[JuryIn]
    ) -> RequestOut:
        """Staff; 409 ``request_not_answered`` before the answer."""
        return request_out(
            await requests.show_to_jury(current_user(request), request_id, data.for_jury)
        )

    @post("/withdraw", status_code=HTTP_200_OK, summary="Withdraw an open request")
    async def withdraw(self, request: Request, request_id: FromPath[UUID]) -> RequestOut:
        """Staff; 409 once answered or withdrawn."""
        return request_out(await requests.withdraw(current_user(request), request_id))
