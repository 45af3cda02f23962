"""A message's file (one per message, also on answers to information requests): uploaded through
the document pipeline and its checks (type sniffed, size, PDF safety, checksum; audited), owned by
the message (owner type "message"), read by whoever reads the thread. A juror reads the file of an
answer staff marked "for the jury" — without its metadata and, on a blind call, under a neutral
name, as the proposal's own attachments."""

from __future__ import annotations

from uuid import UUID

from challenge.messages import policies
from challenge.messages.tables import InformationRequest, Message
from challenge.platform.documents.downloads import neutral_filename
from challenge.platform.documents.rules import MB, UploadRules
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import delete_document, store_form_file
from challenge.submissions.tables import Submission

OWNER_TYPE = "message"
RULES = UploadRules(max_bytes=20 * MB, max_files=1)


async def store(actor, storage, multipart, message_id: UUID) -> dict:
    """The chosen file as a stored document of the (not yet written) message."""
    return await store_form_file(
        storage,
        multipart,
        rules=RULES,
        owner_type=OWNER_TYPE,
        owner_id=str(message_id),
        actor=actor,
        kind="message",
    )


async def discard(storage, document: dict | None, actor) -> None:
    """Remove a stored file whose message was refused (the deletion is audited as the upload)."""
    if document is not None:
        await delete_document(storage, document, actor)


async def files_of(message_ids: list) -> dict:
    """{message id (text): [stored documents, oldest first]} for these messages (one query)."""
    if not message_ids:
        return {}
    rows = (
        await Document.select(
            Document.id,
            Document.owner_id,
            Document.filename,
            Document.size,
            Document.content_type,
        )
        .where(
            (Document.owner_type == OWNER_TYPE)
            & Document.owner_id.is_in([str(i) for i in message_ids])
            & (Document.status == "stored")
        )
        .order_by(Document.created_at)
    )
    files: dict = {}
    for row in rows:
        files.setdefault(row["owner_id"], []).append(row)
    return files


def neutral_name(index: int, filename: str, kind: str = "message") -> str:
    """A file's name for readers who may not learn the team's (blind calls): Anlage-<n>.<ext>,
    an answer's Antwort-Anlage-<n>.<ext> (apart from the proposal's own Anlage-<n>)."""
    return neutral_filename(index, filename, "Antwort-Anlage" if kind == "answer" else "Anlage")


async def _owner(document: dict) -> dict | None:
    """The message owning the document, with its thread's subject and request."""
    try:
        message_id = UUID(document["owner_id"])
    except ValueError:
        return None
    return (
        await Message.select(
            Message.id,
            Message.side,
            Message.kind,
            Message.request,
            Message.thread.subject_type.as_alias("subject_type"),
            Message.thread.subject_id.as_alias("subject_id"),
        )
        .where(Message.id == message_id)
        .first()
    )


async def _for_jury(user, message: dict) -> bool:
    """The file of an answer staff marked for the jury, and the user a juror of the proposal."""
    if message["kind"] != "answer" or message["request"] is None:
        return False
    request = (
        await InformationRequest.select(
            InformationRequest.status,
            InformationRequest.for_jury,
            InformationRequest.submission,
        )
        .where(InformationRequest.id == message["request"])
        .first()
    )
    if request is None:
        return False
    submission = (
        await Submission.select(
            Submission.id, Submission.organisation, Submission.call, Submission.challenge
        )
        .where(Submission.id == request["submission"])
        .first()
    )
    return submission is not None and await policies.juror_reads_answer(user, request, submission)


async def _reader(user, document: dict) -> tuple[dict | None, dict | None]:
    """(the owning message, the user's access to its thread) — access None for a juror reading
    an answer for the jury; message None when the user may not read the file at all."""
    message = await _owner(document)
    if message is None or user is None:
        return None, None
    access = await policies.thread_access(user, message["subject_type"], message["subject_id"])
    if access is not None:
        return message, access
    return (message, None) if await _for_jury(user, message) else (None, None)


async def document_reader(user, document: dict) -> bool:
    """Who reads a message's file: the thread's readers, and the proposal's jurors for an answer
    marked "for the jury"."""
    message, _access = await _reader(user, document)
    return message is not None


async def redacted_reader(user, document: dict) -> bool:
    """Jurors, and a unit that may not learn the team's name, read files without metadata."""
    message, access = await _reader(user, document)
    return message is not None and (access is None or not policies.sees_names(access))


async def _blind(message: dict) -> bool:
    if message["subject_type"] not in ("submission", "workspace"):
        return False
    row = (
        await Submission.select(Submission.call.blind_review.as_alias("blind"))
        .where(Submission.id == message["subject_id"])
        .first()
    )
    return bool(row and row["blind"])


async def document_namer(user, document: dict) -> str | None:
    """On a blind call, a team's file reaches jurors and the unit as Anlage-<n>.<ext>."""
    message, access = await _reader(user, document)
    if message is None or message["side"] != "team" or not await _blind(message):
        return None
    if access is not None and policies.sees_names(access):
        return None
    ids = [row["id"] for row in (await files_of([message["id"]])).get(str(message["id"]), [])]
    index = ids.index(document["id"]) + 1 if document["id"] in ids else 1
    return neutral_name(index, document["filename"], message["kind"])
