"""Submission rules: reading proposals, who may see and change them, and their deadlines.

Drafts and saves live in ``drafts``, attachments in ``attachments``, submitting and
withdrawing in ``submitting``, deadline extensions in ``extensions``."""

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

from challenge.calls.tables import Call
from challenge.challenges import placement
from challenge.organisations.tables import Membership
from challenge.platform import clock
from challenge.platform.documents.tables import Document
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.submissions import policies
from challenge.submissions.rules import check_deadline
from challenge.submissions.tables import DeadlineExtension, Submission, SubmissionVersion


async def load(submission_id: UUID) -> dict | None:
    """The submission with its team's name and its call's slug, or None."""
    return (
        await Submission.select(
            *Submission.all_columns(),
            Submission.organisation.name.as_alias("organisation_name"),
            Submission.call.slug.as_alias("call_slug"),
            Submission.challenge.key.as_alias("challenge_key"),
            Submission.challenge.title.as_alias("challenge_title"),
            Submission.challenge.questions.as_alias("challenge_questions"),
        )
        .output(load_json=True)
        .where(Submission.id == submission_id)
        .first()
    )


async def call_of(call_id: UUID) -> dict:
    """The call a submission belongs to."""
    return await Call.select().output(load_json=True).where(Call.id == call_id).first()


async def call_for(row: dict) -> dict:
    """The call a loaded submission answers, its questions followed by those of the proposal's
    challenge (a challenge may ask more)."""
    extra = row.get("challenge_questions") or []
    if isinstance(extra, str):  # a joined JSON column comes back as text on some engines
        extra = json.loads(extra)
    return with_questions(await call_of(row["call"]), extra)


def with_questions(call: dict, extra: list[dict]) -> dict:
    """The call with a challenge's questions after its own."""
    if not extra:
        return call
    return {**call, "questions": [*(call["questions"] or []), *extra]}


async def challenge_for(call: dict, key: str | None) -> dict | None:
    """The call's challenge a new proposal answers (None on a call without challenges); a
    missing or unknown key on a call with challenges, or any key on one without, is a 422."""
    challenges = {c["key"]: c for c in await placement.of_call(call["id"])}
    if not challenges and not key:
        return None
    if not challenges:
        raise invalid([FieldError("challenge", N_("This call has no challenges."))])
    if not key:
        raise invalid([FieldError("challenge", N_("Choose the challenge your proposal answers."))])
    if key not in challenges:
        raise invalid([FieldError("challenge", N_("This call has no such challenge."))])
    return challenges[key]


async def deadline_for(call: dict, organisation_id: UUID) -> datetime:
    """The call's deadline, or a later one granted to this team."""
    extension = (
        await DeadlineExtension.select(DeadlineExtension.closes_at)
        .where(
            (DeadlineExtension.call == call["id"])
            & (DeadlineExtension.organisation == organisation_id)
        )
        .order_by(DeadlineExtension.closes_at, ascending=False)
        .first()
    )
    return max(call["closes_at"], extension["closes_at"]) if extension else call["closes_at"]


async def visible(actor, submission_id: UUID) -> dict:
    """The submission if the actor may read it — else 404."""
    row = await load(submission_id)
    if row is None or not await policies.may_read(actor, row):
        raise not_found(N_("Submission not found"))
    return row


async def team_view(actor, submission_id: UUID) -> dict:
    """The submission as its team sees it (pages, receipt) if the actor may — else 404."""
    row = await load(submission_id)
    if row is None or not await policies.may_read_as_team(actor, row):
        raise not_found(N_("Submission not found"))
    return row


async def changeable(actor, submission_id: UUID) -> dict:
    """A submission the actor's team may still change (not withdrawn); 404/403/409 otherwise."""
    row = await visible(actor, submission_id)
    if not await policies.may_edit(actor, row):
        raise Problem(403, "forbidden", N_("Only the team's members can change its proposal."))
    if row["status"] == "withdrawn":
        raise Problem(409, "withdrawn", N_("This proposal was withdrawn and cannot be changed."))
    return row


async def editable(actor, submission_id: UUID) -> tuple[dict, dict, datetime]:
    """As changeable, and within the team's deadline."""
    row = await changeable(actor, submission_id)
    call = await call_for(row)
    deadline = await deadline_for(call, row["organisation"])
    check_deadline(deadline, call["opens_at"], clock.now())
    return row, call, deadline


def invalid(errors: list[FieldError]) -> Problem:
    """The 422 validation problem for these field errors."""
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )


async def documents_of(submission_id: UUID) -> list[dict]:
    """The submission's stored attachments, oldest first."""
    return (
        await Document.select()
        .where(
            (Document.owner_type == "submission")
            & (Document.owner_id == str(submission_id))
            & (Document.status == "stored")
        )
        .order_by(Document.created_at)
    )


async def versions(submission_id: UUID) -> list[dict]:
    """Every submitted version of the submission, oldest first."""
    return (
        await SubmissionVersion.select()
        .where(SubmissionVersion.submission == submission_id)
        .order_by(SubmissionVersion.number)
    )


async def mine(actor) -> list[dict]:
    """Every proposal of the actor's teams, newest first, with its call's deadline."""
    teams = [
        row["organisation"]
        for row in await Membership.select(Membership.organisation).where(
            Membership.user == actor.id
        )
    ]
    if not teams:
        return []
    rows = (
        await Submission.select(
            Submission.id,
            Submission.title,
            Submission.status,
            Submission.reference,
            Submission.submitted_at,
            Submission.updated_at,
            Submission.organisation,
            Submission.organisation.name.as_alias("organisation_name"),
            Submission.call.title.as_alias("call_title"),
            Submission.call.slug.as_alias("call_slug"),
            Submission.call.closes_at.as_alias("closes_at"),
            Submission.challenge.title.as_alias("challenge_title"),
        )
        .where(Submission.organisation.is_in(teams))
        .order_by(Submission.updated_at, ascending=False)
    )
    return rows
