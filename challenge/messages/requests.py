"""Information requests (issue 20, point 2). Staff ask a team a question about its submitted
proposal with a due date; the question is also a message in the proposal's thread. The team
answers — text and a file — also after the call's deadline: the answer only, never the proposal
itself (its own rules still refuse changes). An answered request is part of the proposal's record;
staff may mark it "for the jury", and only then do the proposal's jurors read question and answer
(challenge.messages.hooks.review_extras). Each step is audited."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from markupsafe import Markup

from challenge import db
from challenge.messages import attachments, policies, threads
from challenge.messages.tables import InformationRequest, Message
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.markdown import render_markdown
from challenge.platform.problems import FieldError, Problem, forbidden, not_found

NOT_FOUND = N_("Request not found")
ANSWERED = N_("This request has already been answered.")
WITHDRAWN = N_("This request was withdrawn by the city.")
NOT_ANSWERED = N_("Only an answered request can be shown to the jury.")
NOT_SUBMITTED = N_("Information can only be requested about a submitted proposal.")
DUE_IN_PAST = N_("Choose a due date in the future.")
DUE = N_("Enter the date and time by which the team should answer.")
TEAM_ONLY = N_("Only the team answers a request.")
STAFF_ONLY = N_("Only the city's staff ask for information.")


async def get(request_id: UUID) -> dict | None:
    """The request row, or None."""
    return await InformationRequest.select().where(InformationRequest.id == request_id).first()


async def _context(actor, request_id: UUID) -> tuple[dict, dict]:
    """(the request, the actor's access to its proposal's thread) — else 404."""
    request = await get(request_id)
    access = request and await policies.thread_access(actor, "submission", request["submission"])
    if request is None or access is None:
        raise not_found(NOT_FOUND)
    return request, access


def _closed(request: dict) -> Problem | None:
    """409 for a request that is no longer open (``request_answered``, ``request_withdrawn``)."""
    if request["status"] == "answered":
        return Problem(409, "request_answered", ANSWERED)
    if request["status"] == "withdrawn":
        return Problem(409, "request_withdrawn", WITHDRAWN)
    return None


def _answerable(access: dict, request: dict) -> None:
    if access["side"] != "team":
        raise forbidden(TEAM_ONLY)
    if problem := _closed(request):
        raise problem
    if not policies.may_answer(access, request):
        raise forbidden(TEAM_ONLY)


async def ask(
    actor, submission_id: UUID, question: str, due_at: datetime, *, base_url: str
) -> dict:
    """Staff ask the team: 403 for others who read the thread, 409 ``not_submitted`` for a
    draft or withdrawn proposal, 422 for the question or a due date in the past."""
    access = await threads.readable(actor, "submission", submission_id)
    if not policies.may_manage_requests(actor, access):
        raise forbidden(STAFF_ONLY)
    if not policies.may_ask(actor, access):
        raise Problem(409, "not_submitted", NOT_SUBMITTED)
    text, html = threads.checked_body(question, "question")
    if due_at is None:
        raise Problem(422, "validation_error", DUE, errors=[FieldError("due_at", DUE)])
    if due_at.tzinfo is None:  # a time without its zone is the city's (Berlin) time
        due_at = due_at.replace(tzinfo=BERLIN)
    if due_at <= clock.now():
        raise Problem(422, "due_in_past", DUE_IN_PAST, errors=[FieldError("due_at", DUE_IN_PAST)])
    request_id = uuid.uuid4()
    async with db.write_transaction():
        # the request first, so the question's mail can name its due date
        now = clock.now()
        thread = await threads.ensure_thread("submission", submission_id, access["call_id"], now)
        await InformationRequest.insert(
            InformationRequest(
                id=request_id,
                submission=submission_id,
                thread=thread["id"],
                question=text,
                due_at=due_at,
                status="open",
                asked_by=actor.id,
                asked_at=now,
            )
        )
        await threads.write_message(
            actor,
            access,
            ("submission", submission_id),
            text,
            html,
            base_url=base_url,
            kind="request",
            request_id=request_id,
        )
        await record(
            "request.asked",
            actor=actor,
            object_type="submission",
            object_id=submission_id,
            payload={"request": str(request_id), "due_on": due_at.isoformat()},
        )
    return await get(request_id)


async def _write_answer(actor, access, request: dict, text: str, html: str, **kwargs) -> dict:
    """Inside a write transaction: the answer (checked again under the request's row lock), its
    message in the thread and the audit entry."""
    await db.lock_row(InformationRequest, request["id"])
    _answerable(access, await get(request["id"]))
    message = await threads.write_message(
        actor,
        access,
        ("submission", request["submission"]),
        text,
        html,
        kind="answer",
        request_id=request["id"],
        **kwargs,
    )
    await InformationRequest.update(
        {
            InformationRequest.status: "answered",
            InformationRequest.answer: text,
            InformationRequest.answer_html: html,
            InformationRequest.answered_by: actor.id,
            InformationRequest.answered_at: message["created_at"],
        }
    ).where(InformationRequest.id == request["id"])
    await record(
        "request.answered",
        actor=actor,
        object_type="submission",
        object_id=request["submission"],
        payload={"request": str(request["id"]), "message": str(message["id"])},
    )
    return await get(request["id"])


async def answer(actor, request_id: UUID, body: str, *, base_url: str) -> dict:
    """The team answers (the JSON API, text only): 404 without access, 403 for readers who are
    not the team, 409 ``request_answered``/``request_withdrawn``, 422 for the text. The call's
    deadline does not matter here."""
    request, access = await _context(actor, request_id)
    _answerable(access, request)
    text, html = threads.checked_body(body)
    async with db.write_transaction():
        return await _write_answer(actor, access, request, text, html, base_url=base_url)


async def answer_form(actor, request_id: UUID, storage, multipart, *, base_url: str) -> dict:
    """The team answers from the page (multipart: ``body``, then an optional ``file``); the file
    is removed again when the answer is refused."""
    request, access = await _context(actor, request_id)
    _answerable(access, request)
    has_file = await multipart.optional_file()
    text, html = threads.checked_body(multipart.fields.get("body", ""))
    message_id = uuid.uuid4()
    document = await attachments.store(actor, storage, multipart, message_id) if has_file else None
    try:
        async with db.write_transaction():
            return await _write_answer(
                actor, access, request, text, html, base_url=base_url, message_id=message_id
            )
    except BaseException:
        await attachments.discard(storage, document, actor)
        raise


async def show_to_jury(actor, request_id: UUID, shown: bool) -> dict:
    """Staff show an answered request to the proposal's jurors, or stop showing it: 403 for
    others, 409 ``request_not_answered`` before the answer."""
    request, access = await _context(actor, request_id)
    if not policies.may_manage_requests(actor, access):
        raise forbidden(STAFF_ONLY)
    if not policies.may_show_to_jury(actor, access, request):
        raise Problem(409, "request_not_answered", NOT_ANSWERED)
    async with db.write_transaction():
        await InformationRequest.update({InformationRequest.for_jury: shown}).where(
            InformationRequest.id == request_id
        )
        await record(
            "request.for_jury" if shown else "request.not_for_jury",
            actor=actor,
            object_type="submission",
            object_id=request["submission"],
            payload={"request": str(request_id)},
        )
    return await get(request_id)


async def withdraw(actor, request_id: UUID) -> dict:
    """Staff withdraw an open request: 403 for others, 409 once answered or withdrawn."""
    request, access = await _context(actor, request_id)
    if not policies.may_manage_requests(actor, access):
        raise forbidden(STAFF_ONLY)
    async with db.write_transaction():
        await db.lock_row(InformationRequest, request_id)
        current = await get(request_id)
        if problem := _closed(current):
            raise problem
        await InformationRequest.update({InformationRequest.status: "withdrawn"}).where(
            InformationRequest.id == request_id
        )
        await record(
            "request.withdrawn",
            actor=actor,
            object_type="submission",
            object_id=request["submission"],
            payload={"request": str(request_id)},
        )
    return await get(request_id)


async def answer_files(request_ids: list) -> dict:
    """{request id: the files of its answer} (two queries)."""
    if not request_ids:
        return {}
    answers = await Message.select(Message.id, Message.request).where(
        Message.request.is_in(list(request_ids)) & (Message.kind == "answer")
    )
    files = await attachments.files_of([row["id"] for row in answers])
    return {row["request"]: files.get(str(row["id"]), []) for row in answers}


def is_overdue(request: dict, now: datetime) -> bool:
    """An open request past its due date."""
    return request["status"] == "open" and request["due_at"] < now


async def of_submission(actor, submission_id: UUID, access: dict) -> list[dict]:
    """The proposal's requests for a reader of its thread, newest first, each with its texts as
    HTML, its answer's files, whether it is overdue and what this reader may do with it."""
    rows = (
        await InformationRequest.select()
        .where(InformationRequest.submission == submission_id)
        .order_by(InformationRequest.asked_at, ascending=False)
    )
    files = await answer_files([row["id"] for row in rows])
    now = clock.now()
    hidden = not policies.sees_names(access)
    for row in rows:
        row["question_html"] = render_markdown(row["question"])
        row["answer_html"] = Markup(row["answer_html"])  # sanitised when it was written
        row["files"] = [
            {
                **f,
                "filename": attachments.neutral_name(i, f["filename"], "answer")
                if hidden
                else f["filename"],
            }
            for i, f in enumerate(files.get(row["id"], []), 1)
        ]
        row["overdue"] = is_overdue(row, now)
        row["may_answer"] = policies.may_answer(access, row)
        row["may_show_to_jury"] = policies.may_show_to_jury(actor, access, row)
        row["may_withdraw"] = policies.may_withdraw(actor, access, row)
    return rows


async def open_of(submission_id) -> list[dict]:
    """The proposal's open requests, the soonest due first."""
    return (
        await InformationRequest.select(
            InformationRequest.id,
            InformationRequest.question,
            InformationRequest.due_at,
            InformationRequest.status,
        )
        .where(
            (InformationRequest.submission == submission_id) & (InformationRequest.status == "open")
        )
        .order_by(InformationRequest.due_at)
    )


async def for_jury_of(submission_id) -> list[dict]:
    """The proposal's answered requests staff marked for the jury, oldest first, with files."""
    rows = (
        await InformationRequest.select(
            InformationRequest.id,
            InformationRequest.question,
            InformationRequest.answer_html,
            InformationRequest.answered_at,
        )
        .where(
            (InformationRequest.submission == submission_id)
            & (InformationRequest.status == "answered")
            & InformationRequest.for_jury.eq(True)
        )
        .order_by(InformationRequest.asked_at)
    )
    files = await answer_files([row["id"] for row in rows])
    for row in rows:
        row["files"] = files.get(row["id"], [])
    return rows
