"""Threads and their messages (issue 20). One thread per subject, made with its first message: the
insert goes ``ON CONFLICT DO NOTHING`` on the unique index threads_subject and the thread is read
back, so parallel first posts find one thread. A message is Markdown, sanitised once and stored
with its HTML; each person's read mark says up to which message they have read (unread: the
thread's last message is newer). Messages are listed newest first, a page at a time. Every post is
audited and handed to the notifications (challenge.messages.notifications) in its transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from markupsafe import Markup

from challenge import db
from challenge.messages import attachments, notifications, policies
from challenge.messages.tables import Message, Thread, ThreadRead
from challenge.platform import clock
from challenge.platform.accounts.sessions import identity_for
from challenge.platform.accounts.tables import User
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.markdown import render_markdown
from challenge.platform.pagination import page_within
from challenge.platform.problems import FieldError, Problem, not_found

PER_PAGE = 20
MAX_BODY = 20_000
# The page of each subject's thread (for links and the notifications' mails).
PAGES = {
    "submission": "/submissions/{id}/messages",
    "workspace": "/development/{id}/messages",
    "partnership": "/partnerships/{id}/messages",
    "person": "/messages/people/{id}",
}
EMPTY = N_("Write a message first.")
TOO_LONG = N_("A message may be at most 20,000 characters long. Please shorten it.")
NOT_FOUND = N_("Conversation not found")


def thread_path(subject_type: str, subject_id) -> str:
    """The page of the thread on this subject."""
    return PAGES[subject_type].format(id=subject_id)


async def readable(actor, subject_type: str, subject_id: UUID) -> dict:
    """The actor's access to the thread on this subject (policies.thread_access) — else 404."""
    access = await policies.thread_access(actor, subject_type, subject_id)
    if access is None:
        raise not_found(NOT_FOUND)
    return access


def checked_body(body: str, field: str = "body") -> tuple[str, str]:
    """(the text, its sanitised HTML): 422 ``validation_error`` when empty, 422
    ``message_too_long`` (with ``max_length``) over MAX_BODY characters."""
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise Problem(422, "validation_error", EMPTY, errors=[FieldError(field, EMPTY)])
    if len(text) > MAX_BODY:
        raise Problem(
            422,
            "message_too_long",
            TOO_LONG,
            errors=[FieldError(field, TOO_LONG)],
            extra={"max_length": MAX_BODY, "length": len(text)},
        )
    return text, str(render_markdown(text))


async def thread_of(subject_type: str, subject_id) -> dict | None:
    """The thread on this subject, or None before its first message."""
    return (
        await Thread.select()
        .where((Thread.subject_type == subject_type) & (Thread.subject_id == subject_id))
        .first()
    )


async def ensure_thread(subject_type: str, subject_id, call_id, now: datetime) -> dict:
    """Inside a write transaction: the subject's thread, made if it has none. Concurrent first
    posts all insert; the unique index keeps one row, the others' inserts do nothing (on
    PostgreSQL they wait for the first to commit) and read it back."""
    await Thread.insert(
        Thread(
            id=uuid.uuid4(),
            subject_type=subject_type,
            subject_id=subject_id,
            call=call_id,
            created_at=now,
            last_message_at=now,
            message_count=0,
        )
    ).on_conflict(target=(Thread.subject_type, Thread.subject_id), action="DO NOTHING")
    return await thread_of(subject_type, subject_id)


async def read_mark(thread_id, user_id) -> datetime | None:
    """Up to when the person has read the thread, or None."""
    row = (
        await ThreadRead.select(ThreadRead.read_at)
        .where((ThreadRead.thread == thread_id) & (ThreadRead.user == user_id))
        .first()
    )
    return row["read_at"] if row else None


async def mark_read(thread_id, user_id, until: datetime) -> None:
    """The person has read the thread up to ``until`` (an earlier mark never wins: upsert on the
    unique index thread_reads_thread_user, updated only forward)."""
    await ThreadRead.insert(
        ThreadRead(id=uuid.uuid4(), thread=thread_id, user=user_id, read_at=until)
    ).on_conflict(
        target=(ThreadRead.thread, ThreadRead.user),
        action="DO UPDATE",
        values=[ThreadRead.read_at],
        where=ThreadRead.read_at < until,
    )


async def _recipients(thread_id, access: dict, author_id, subject: tuple[str, UUID]) -> list[UUID]:
    """Whom a message reaches: the subject's members (team or partner) and the city's people who
    wrote in the thread before and still read it (a unit member since put on the call's jury, or
    someone whose role was taken, no longer does), never its author."""
    rows = await Message.select(Message.author).where(
        (Message.thread == thread_id)
        & Message.side.is_in(["staff", "unit"])
        & Message.author.is_not_null()
    )
    city = {row["author"] for row in rows} - {author_id}
    still = set()
    if city:
        for person in await User.select(
            User.id, User.email, User.name, User.locale, User.affiliation
        ).where(
            User.id.is_in(list(city)) & (User.is_active == True)  # noqa: E712
        ):
            if await policies.thread_access(await identity_for(person), *subject) is not None:
                still.add(person["id"])
    people = {*(access.get("members") or []), *still}
    people.discard(author_id)
    return sorted(people, key=str)


async def write_message(
    actor,
    access: dict,
    subject: tuple[str, UUID],
    text: str,
    html: str,
    *,
    base_url: str,
    kind: str = "message",
    request_id: UUID | None = None,
    message_id: UUID | None = None,
) -> dict:
    """Inside the caller's write transaction: the message in the subject's thread (made if
    needed), the author's read mark, the audit entry and the notifications."""
    subject_type, subject_id = subject
    now = clock.now()
    thread = await ensure_thread(subject_type, subject_id, access["call_id"], now)
    await Thread.update(
        {Thread.last_message_at: now, Thread.message_count: Thread.message_count + 1}
    ).where(Thread.id == thread["id"])
    message = {
        "id": message_id or uuid.uuid4(),
        "thread": thread["id"],
        "author": actor.id,
        "side": access["side"],
        "kind": kind,
        "body": text,
        "body_html": html,
        "request": request_id,
        "created_at": now,
    }
    await Message.insert(Message(**message))
    await mark_read(thread["id"], actor.id, now)
    await record(
        "message.posted",
        actor=actor,
        object_type="thread",
        object_id=thread["id"],
        payload={"message": str(message["id"]), "subject": subject_type, "kind": kind},
    )
    await notifications.message_posted(
        {**thread, "last_message_at": now, "message_count": thread["message_count"] + 1},
        message,
        await _recipients(thread["id"], access, actor.id, subject),
        title=access["title"],
        link=f"{base_url.rstrip('/')}{thread_path(subject_type, subject_id)}",
    )
    return message


async def post(actor, subject_type: str, subject_id: UUID, body: str, *, base_url: str) -> dict:
    """A message without a file (the JSON API): 404 without access, 422 for the body."""
    access = await readable(actor, subject_type, subject_id)
    text, html = checked_body(body)
    async with db.write_transaction():
        message = await write_message(
            actor, access, (subject_type, subject_id), text, html, base_url=base_url
        )
    return {**message, "author_name": actor.name, "files": []}


async def post_form(
    actor, subject_type: str, subject_id: UUID, storage, multipart, *, base_url: str
) -> dict:
    """A message from the page's form (multipart: ``body``, then an optional ``file``): who may
    write is checked before the body is read; the file goes through the document pipeline and
    is removed again when the message is refused."""
    access = await readable(actor, subject_type, subject_id)
    has_file = await multipart.optional_file()
    text, html = checked_body(multipart.fields.get("body", ""))
    message_id = uuid.uuid4()
    document = await attachments.store(actor, storage, multipart, message_id) if has_file else None
    try:
        async with db.write_transaction():
            return await write_message(
                actor,
                access,
                (subject_type, subject_id),
                text,
                html,
                base_url=base_url,
                message_id=message_id,
            )
    except BaseException:
        await attachments.discard(storage, document, actor)
        raise


def _shown(row: dict, files: list[dict], access: dict) -> dict:
    """A message as this reader sees it: a team's author and file names hidden from a reader who
    may not learn the team's identity."""
    hidden = row["side"] == "team" and not policies.sees_names(access)
    return {
        **row,
        "body_html": Markup(row["body_html"]),  # sanitised when it was written
        "author_name": None if hidden else row["author_name"],
        "files": [
            {
                **f,
                "filename": attachments.neutral_name(i, f["filename"], row["kind"])
                if hidden
                else f["filename"],
            }
            for i, f in enumerate(files, 1)
        ],
    }


async def messages_page(thread_id, page: int, access: dict) -> list[dict]:
    """One page of the thread's messages, newest first, each with its files."""
    rows = (
        await Message.select(
            Message.id,
            Message.side,
            Message.kind,
            Message.author,
            Message.author.name.as_alias("author_name"),
            Message.body,
            Message.body_html,
            Message.request,
            Message.created_at,
        )
        .where(Message.thread == thread_id)
        .order_by(Message.created_at, ascending=False)
        .order_by(Message.id, ascending=False)  # stable pages when two share a moment
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    files = await attachments.files_of([row["id"] for row in rows])
    return [_shown(row, files.get(str(row["id"]), []), access) for row in rows]


async def view(actor, subject_type: str, subject_id: UUID, page: int = 1) -> dict:
    """The thread for its reader — access, thread, one page of messages (each marked ``new``
    when the reader had not seen it), total, page and pages — and the reader's mark moved to its
    last message. 404 without access."""
    access = await readable(actor, subject_type, subject_id)
    thread = await thread_of(subject_type, subject_id)
    total = thread["message_count"] if thread else 0
    page, pages = page_within(page, total, PER_PAGE)
    messages, unread = [], 0
    if thread is not None:
        seen = await read_mark(thread["id"], actor.id)
        messages = await messages_page(thread["id"], page, access)
        for message in messages:
            message["new"] = message["author"] != actor.id and (
                seen is None or message["created_at"] > seen
            )
        unread = sum(message["new"] for message in messages)
        if seen is None or seen < thread["last_message_at"]:
            await mark_read(thread["id"], actor.id, thread["last_message_at"])
    return {
        "access": access,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "thread": thread,
        "messages": messages,
        "unread": unread,
        "total": total,
        "page": page,
        "pages": pages,
        "path": thread_path(subject_type, subject_id),
    }


async def unread_count(user_id, subject_type: str, subject_id) -> int:
    """How many messages of others in the subject's thread the person has not read."""
    thread = await thread_of(subject_type, subject_id)
    if thread is None:
        return 0
    seen = await read_mark(thread["id"], user_id)
    query = Message.count().where(
        (Message.thread == thread["id"]) & (Message.author.is_null() | (Message.author != user_id))
    )
    if seen is not None:
        query = query.where(Message.created_at > seen)
    return await query
