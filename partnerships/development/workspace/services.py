"""The development workspace of a selected team: the phase's dates, the owning unit's contact
and mentor, the stipend agreement's and the offer's status, the checklist, meetings and files.
Team, owning unit and staff see it (access.workspace_entry); anyone else gets a 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

from challenge import db
from challenge.calls.tables import Call
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.audit.service import record
from challenge.platform.documents.rules import UploadRules
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import store_upload
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem
from partnerships.contracts import policies as contract_policies
from partnerships.contracts.services import for_submission
from partnerships.development.access import (
    is_owning_unit,
    may_see_workspace,
    may_work_on_checklist,
    selected_entry,
    workspace_entry,
)
from partnerships.development.phase import phase_of
from partnerships.development.tables import Meeting, Offer
from partnerships.development.workspace.checklist import checklist_of
from partnerships.development.workspace.schemas import MeetingIn
from partnerships.tables import Partnership
from partnerships.uploads import MB

OWNER_TYPE = "development"  # owner_id: the submission
FILE_RULES = UploadRules(max_bytes=30 * MB, max_files=100)
PARTICIPANTS_MAX = 2_000
MINUTES_MAX = 20_000
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


async def call_of(entry: dict) -> dict:
    """The entry's call row (what phase_of needs)."""
    return await Call.select().where(Call.id == entry["call"]).first()


async def stipend_of(submission_id: UUID) -> dict | None:
    """The stipend agreement's id and status, or None while there is none."""
    partnership_id = await for_submission(submission_id, "stipend")
    if partnership_id is None:
        return None
    row = (
        await Partnership.select(Partnership.status).where(Partnership.id == partnership_id).first()
    )
    return {"partnership_id": partnership_id, "status": row["status"] if row else "draft"}


async def stipend_link(user, stipend: dict | None) -> dict | None:
    """The stipend with where this person reads the agreement: staff in the staff area, the
    team in its partner area once it is sent (none while a draft)."""
    if stipend is None:
        return None
    row = await Partnership.select().where(Partnership.id == stipend["partnership_id"]).first()
    link = None
    if contract_policies.may_manage(user):
        link = f"/staff/partnerships/{row['id']}"
    elif await contract_policies.may_see_as_partner(user, row):
        link = f"/partner/partnerships/{row['id']}"
    return {**stipend, "link": link}


async def offer_of(submission_id: UUID) -> dict | None:
    """The offer's status and version (read only), or None before the first save."""
    return (
        await Offer.select(Offer.status, Offer.version, Offer.submitted_at)
        .where(Offer.submission == submission_id)
        .first()
    )


async def meetings_of(submission_id: UUID) -> list[dict]:
    """The entry's meetings, newest first, with who recorded them."""
    return (
        await Meeting.select(
            Meeting.id,
            Meeting.held_at,
            Meeting.participants,
            Meeting.minutes,
            Meeting.created_at,
            Meeting.created_by.name.as_alias("created_by_name"),
        )
        .where(Meeting.submission == submission_id)
        .order_by(Meeting.held_at, ascending=False)
        .order_by(Meeting.created_at, ascending=False)
    )


async def files_of(submission_id: UUID) -> list[dict]:
    """The workspace's stored files, newest first."""
    return (
        await Document.select(
            Document.id,
            Document.filename,
            Document.content_type,
            Document.size,
            Document.sha256,
            Document.created_at,
            Document.uploaded_by.name.as_alias("uploaded_by_name"),
        )
        .where(
            (Document.owner_type == OWNER_TYPE)
            & (Document.owner_id == str(submission_id))
            & (Document.status == "stored")
        )
        .order_by(Document.created_at, ascending=False)
    )


async def workspace(user, submission_id: UUID) -> dict:
    """Everything the workspace shows, for someone who may see it (else 404)."""
    entry = await workspace_entry(user, submission_id)
    phase = await phase_of(await call_of(entry))
    return {
        "entry": entry,
        "phase": phase,
        "stipend": await stipend_link(user, await stipend_of(submission_id)),
        "offer": await offer_of(submission_id),
        "checklist": await checklist_of(user, submission_id),
        "meetings": await meetings_of(submission_id),
        "files": await files_of(submission_id),
        "may_work": await may_work_on_checklist(user, entry),
    }


async def way_back(user, entry: dict) -> tuple[str, str]:
    """Where the breadcrumb leads: staff to the call's phase, the unit to its challenge's
    proposals, the team to its proposals."""
    if is_staff(user):
        return f"/staff/calls/{entry['call_slug']}/development", N_("Development phase")
    if await is_owning_unit(user, entry):
        return f"/unit/challenges/{entry['challenge']['id']}/proposals", N_("Proposals")
    return "/me/submissions", N_("Proposals")


def meeting_errors(data: MeetingIn) -> list[FieldError]:
    """A date with its time zone, participants named, texts of sensible length."""
    errors = []
    if data.held_at.tzinfo is None:
        errors.append(FieldError("held_at", N_("Give the time with its time zone.")))
    elif data.held_at < EARLIEST:
        errors.append(FieldError("held_at", N_("Enter the date of the meeting.")))
    if not data.participants.strip():
        errors.append(FieldError("participants", N_("Name who took part.")))
    elif len(data.participants) > PARTICIPANTS_MAX:
        errors.append(FieldError("participants", N_("Too long (at most 2,000 characters).")))
    if len(data.minutes) > MINUTES_MAX:
        errors.append(FieldError("minutes", N_("Too long (at most 20,000 characters).")))
    return errors


async def add_meeting(actor, submission_id: UUID, data: MeetingIn) -> dict:
    """Record a meeting with its minutes (Markdown), audited."""
    entry = await workspace_entry(actor, submission_id)
    if not await may_work_on_checklist(actor, entry):
        raise Problem(403, "forbidden", N_("You are not allowed to do this."))
    errors = meeting_errors(data)
    if errors:
        raise Problem(
            422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
        )
    meeting = Meeting(
        submission=submission_id,
        held_at=data.held_at,
        participants=data.participants.strip(),
        minutes=data.minutes.strip(),
        created_by=actor.id,
        created_at=clock.now(),
    )
    async with db.write_transaction():
        await meeting.save()
        await record(
            "development.meeting_added",
            actor=actor,
            object_type="submission",
            object_id=submission_id,
            payload={"meeting": str(meeting.id), "held_at": data.held_at.isoformat()},
        )
    return await Meeting.select().where(Meeting.id == meeting.id).first()


async def add_file(actor, submission_id: UUID, storage, upload: Callable) -> dict:
    """A file for the workspace (``upload()`` opens the request's multipart upload): who may
    add is checked before the body is read; the document pipeline checks and audits it."""
    entry = await workspace_entry(actor, submission_id)
    if not await may_work_on_checklist(actor, entry):
        raise Problem(403, "forbidden", N_("You are not allowed to do this."))
    multipart = upload()
    try:
        await multipart.start()
    except Problem as problem:
        raise _no_file() if problem.code == "validation_error" else problem from None
    if not multipart.filename:  # a browser sends an empty file part when none was chosen
        await multipart.rest()
        raise _no_file()
    document = await store_upload(
        storage,
        chunks=multipart.chunks(),
        filename=multipart.filename or "",
        rules=FILE_RULES,
        owner_type=OWNER_TYPE,
        owner_id=str(submission_id),
        actor=actor,
        kind="development",
    )
    await multipart.rest()
    return document


def _no_file() -> Problem:
    message = N_("Choose a file to upload.")
    return Problem(422, "validation_error", message, errors=[FieldError("file", message)])


async def file_reader(user, document: dict) -> bool:
    """Workspace files: exactly whoever sees the workspace (team, owning unit, staff)."""
    if user is None:
        return False
    try:
        submission_id = UUID(document["owner_id"])
    except ValueError:
        return False
    entry = await selected_entry(submission_id)
    return entry is not None and await may_see_workspace(user, entry)
