"""A person's share of threads and information requests, for the privacy export and erasure.

Erasure keeps the others' messages and the thread as such: the person's own messages are blanked
(text and files gone) and no longer name them; a question staff asked and the team's answer to it
are part of the proposal's record (like the proposal itself) and stay, no longer naming who asked
or answered; the person's read marks go."""

from __future__ import annotations

from uuid import UUID

from challenge.messages.attachments import OWNER_TYPE
from challenge.messages.tables import InformationRequest, Message, ThreadRead
from challenge.platform.documents.tables import Document
from challenge.platform.mail.tables import OutboxMail


async def export(user_id: UUID) -> dict:
    """The messages the person wrote, the requests they asked or answered, their read marks."""
    written = (
        await Message.select(
            Message.id,
            Message.thread.subject_type.as_alias("subject_type"),
            Message.thread.subject_id.as_alias("subject_id"),
            Message.side,
            Message.kind,
            Message.body,
            Message.created_at,
        )
        .where(Message.author == user_id)
        .order_by(Message.created_at)
    )
    requests = (
        await InformationRequest.select(
            InformationRequest.id,
            InformationRequest.submission,
            InformationRequest.question,
            InformationRequest.due_at,
            InformationRequest.status,
            InformationRequest.answer,
            InformationRequest.answered_at,
        )
        .where(
            (InformationRequest.asked_by == user_id) | (InformationRequest.answered_by == user_id)
        )
        .order_by(InformationRequest.asked_at)
    )
    reads = await ThreadRead.select(ThreadRead.thread, ThreadRead.read_at).where(
        ThreadRead.user == user_id
    )
    return {"thread_messages": written, "information_requests": requests, "thread_reads": reads}


async def _erase_quoting_mails(user_id: UUID) -> int:
    """Mails to others that quote the person's messages (thread mails keep the quoted message's
    id in their stored values): removed with the text they carry."""
    ids = [row["id"] for row in await Message.select(Message.id).where(Message.author == user_id)]
    removed = 0
    for message_id in ids:
        removed += len(
            await OutboxMail.delete()
            .where(OutboxMail.context.like(f'%"message_id":"{message_id}"%'))
            .returning(OutboxMail.id)
        )
    return removed


async def erase(user_id: UUID, address: str) -> dict:
    """Inside the erasure's transaction: the person's messages blanked (their files' rows go, the
    orphan clean-up removes the bytes), requests and answers kept without their name, read
    marks removed."""
    own = [
        str(row["id"])
        for row in await Message.select(Message.id).where(
            (Message.author == user_id) & (Message.kind == "message")
        )
    ]
    files = 0
    if own:
        files = len(
            await Document.delete()
            .where((Document.owner_type == OWNER_TYPE) & Document.owner_id.is_in(own))
            .returning(Document.id)
        )
        await Message.update({Message.body: "", Message.body_html: ""}).where(
            Message.id.is_in([UUID(i) for i in own])
        )
    quoted = await _erase_quoting_mails(user_id)
    await Message.update({Message.author: None}).where(Message.author == user_id)
    await InformationRequest.update({InformationRequest.asked_by: None}).where(
        InformationRequest.asked_by == user_id
    )
    await InformationRequest.update({InformationRequest.answered_by: None}).where(
        InformationRequest.answered_by == user_id
    )
    reads = await ThreadRead.count().where(ThreadRead.user == user_id)
    await ThreadRead.delete().where(ThreadRead.user == user_id)
    return {
        "thread_mails_removed": quoted,
        "thread_messages_blanked": len(own),
        "thread_message_files": files,
        "thread_reads": reads,
    }
