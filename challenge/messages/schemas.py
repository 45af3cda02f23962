"""JSON shapes of conversations (API.md, Messages)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from challenge.messages.requests import is_overdue
from challenge.platform import clock


class MessageIn(msgspec.Struct, kw_only=True):
    body: str  # Markdown; the service refuses an empty one and one over 20,000 characters


class RequestIn(msgspec.Struct, kw_only=True):
    question: str  # Markdown, as a message
    due_at: datetime  # with its offset


class AnswerIn(msgspec.Struct, kw_only=True):
    body: str


class JuryIn(msgspec.Struct, kw_only=True):
    for_jury: bool


class FileOut(msgspec.Struct):
    id: UUID
    filename: str
    size: int
    content_type: str


class MessageOut(msgspec.Struct):
    id: UUID
    side: str  # team | staff | unit | partner | person | system
    kind: str  # message | request | answer | announcement
    author: str | None  # the author's name; None where the reader may not learn it
    body: str
    body_html: str
    created_at: datetime
    request: UUID | None = None
    files: list[FileOut] = msgspec.field(default_factory=list)


class ThreadOut(msgspec.Struct):
    subject_type: str
    subject_id: UUID
    title: str
    items: list[MessageOut]
    total: int
    page: int
    per_page: int
    unread: int  # messages of others on this page the reader had not read before


class RequestOut(msgspec.Struct):
    id: UUID
    submission_id: UUID
    question: str
    due_at: datetime
    status: str  # open | answered | withdrawn
    overdue: bool
    asked_at: datetime
    answer: str
    answered_at: datetime | None
    for_jury: bool
    files: list[FileOut] = msgspec.field(default_factory=list)


def file_out(row: dict) -> FileOut:
    """A message's file as JSON (downloaded at /api/v1/documents/{id})."""
    return FileOut(
        id=row["id"], filename=row["filename"], size=row["size"], content_type=row["content_type"]
    )


def message_out(row: dict) -> MessageOut:
    """A message as its reader sees it (threads._shown)."""
    return MessageOut(
        id=row["id"],
        side=row["side"],
        kind=row["kind"],
        author=row.get("author_name"),
        body=row["body"],
        body_html=str(row["body_html"]),
        created_at=row["created_at"],
        request=row.get("request"),
        files=[file_out(f) for f in row.get("files") or []],
    )


def thread_out(view: dict, per_page: int) -> ThreadOut:
    """One page of a thread (threads.view) as JSON."""
    return ThreadOut(
        subject_type=view["subject_type"],
        subject_id=view["subject_id"],
        title=view["access"]["title"],
        items=[message_out(m) for m in view["messages"]],
        total=view["total"],
        page=view["page"],
        per_page=per_page,
        unread=view["unread"],
    )


def request_out(row: dict) -> RequestOut:
    """An information request as JSON."""
    return RequestOut(
        id=row["id"],
        submission_id=row["submission"],
        question=row["question"],
        due_at=row["due_at"],
        status=row["status"],
        overdue=is_overdue(row, clock.now()),
        asked_at=row["asked_at"],
        answer=row["answer"],
        answered_at=row["answered_at"],
        for_jury=row["for_jury"],
        files=[file_out(f) for f in row.get("files") or []],
    )
