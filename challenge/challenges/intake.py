"""Challenge drafts from city units and their review by staff (draft → proposed →
changes_requested | approved | declined), each step audited and kept in the history."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec

from challenge import db
from challenge.calls.editing import validate_questions
from challenge.calls.schemas import Question
from challenge.calls.tables import Call
from challenge.challenges import rules
from challenge.challenges.policies import (
    is_unit_member,
    may_edit_challenge,
    may_read_challenge,
    may_review_challenge,
    unit_ids_of,
)
from challenge.challenges.schemas import ChallengeIn, ChallengePatch, ReviewIn
from challenge.challenges.tables import Challenge, ChallengeEvent, Unit
from challenge.challenges.units import contacts_of
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.problems import FieldError, Problem, forbidden, not_found

FIELDS = (
    "title",
    "problem",
    "affected",
    "outcome",
    "contact_name",
    "mentor_name",
    "offer",
    "constraints",
    "pilot_budget_cents",
    "pilot_months",
    "places",
    "stipend_cents",
    "questions",
    "faq",
)
COLUMNS = (Challenge.all_columns(), Challenge.unit.name.as_alias("unit_name"))


def _invalid(errors: list[FieldError]) -> Problem:
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    for key in ("title", "contact_name", "mentor_name"):
        if key in values:
            values[key] = " ".join((values[key] or "").split())
    for key in ("offer", "questions", "faq"):  # structs from the API, stored as JSON
        if key in values:
            values[key] = msgspec.to_builtins(values[key])
    return values


def _errors(values: dict[str, Any], *, complete: bool) -> list[FieldError]:
    questions = msgspec.convert(values.get("questions") or [], list[Question])
    return rules.draft_errors(values, complete=complete) + validate_questions(questions)


async def load(challenge_id: UUID) -> dict:
    """The challenge with its unit's name; 404 if unknown."""
    row = (
        await Challenge.select(*COLUMNS)
        .where(Challenge.id == challenge_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise not_found(N_("Challenge not found"))
    return row


async def readable(actor, challenge_id: UUID) -> dict:
    """The challenge for staff and its unit's members; 404 for anyone else (no probing)."""
    row = await load(challenge_id)
    if not await may_read_challenge(actor, row):
        raise not_found(N_("Challenge not found"))
    return row


async def is_frozen(row: dict) -> bool:
    """Whether the challenge's call has opened: then the challenge stays as published."""
    if row["call"] is None:
        return False
    call = await Call.select(Call.status, Call.opens_at).where(Call.id == row["call"]).first()
    return bool(call and rules.call_has_opened(call, clock.now()))


async def refuse_once_open(row: dict) -> None:
    """A challenge stays as published once its call has opened (409 ``call_open``)."""
    if await is_frozen(row):
        raise Problem(
            409, "call_open", N_("The call has opened: its challenges can no longer be changed.")
        )


async def create_challenge(actor, data: ChallengeIn) -> dict:
    """A unit's member (or staff) starts a draft for the unit."""
    if not await Unit.exists().where(Unit.id == data.unit_id):
        raise not_found(N_("Unit not found"))
    if not (is_staff(actor) or await is_unit_member(actor, data.unit_id)):
        raise forbidden(N_("Only the unit's members and staff can draft its challenges."))
    values = _clean({k: getattr(data, k) for k in FIELDS})
    errors = _errors(values, complete=False)
    if errors:
        raise _invalid(errors)
    now = clock.now()
    async with db.write_transaction():
        challenge = Challenge(
            unit=data.unit_id, created_by=actor.id, created_at=now, status="draft", **values
        )
        await challenge.save()
        await log_event(actor, challenge.id, "created")
    return await load(challenge.id)


async def update_challenge(actor, challenge_id: UUID, patch: ChallengePatch) -> dict:
    """Change a draft (unit) — or, for staff, any challenge before its call opens."""
    row = await readable(actor, challenge_id)
    if not await may_edit_challenge(actor, row):
        raise forbidden()
    if row["status"] not in rules.EDITABLE and not is_staff(actor):
        raise Problem(
            409,
            "challenge_locked",
            N_("The challenge is with the Smart City team; it can be changed again once they ask."),
        )
    await refuse_once_open(row)
    changes = _clean(
        {
            k: v
            for k, v in msgspec.structs.asdict(patch).items()
            if k in FIELDS and v is not msgspec.UNSET
        }
    )
    errors = _errors({**row, **changes}, complete=False)
    if errors:
        raise _invalid(errors)
    async with db.write_transaction():
        await Challenge.update({getattr(Challenge, k): v for k, v in changes.items()}).where(
            Challenge.id == challenge_id
        )
        await record(
            "challenge.updated",
            actor=actor,
            object_type="challenge",
            object_id=challenge_id,
            payload={"fields": sorted(changes)},
        )
    return await load(challenge_id)


async def submit_challenge(actor, challenge_id: UUID) -> dict:
    """The unit hands its draft to staff for review (409 ``challenge_locked`` if not a draft)."""
    row = await readable(actor, challenge_id)
    if not await may_edit_challenge(actor, row):
        raise forbidden()
    errors = _errors(row, complete=True)
    if errors:
        raise _invalid(errors)
    async with db.write_transaction():
        moved = (
            await Challenge.update({Challenge.status: "proposed"})
            .where((Challenge.id == challenge_id) & Challenge.status.is_in(list(rules.EDITABLE)))
            .returning(Challenge.id)
        )
        if not moved:
            raise Problem(409, "challenge_locked", N_("This challenge is not a draft."))
        await log_event(actor, challenge_id, "submitted")
    return await load(challenge_id)


async def review_challenge(actor, challenge_id: UUID, data: ReviewIn, *, base_url: str) -> dict:
    """Staff comment, request changes, approve or decline (a reason is required but to approve);
    the unit's members get a mail for every decision."""
    if not may_review_challenge(actor):
        raise forbidden()
    row = await load(challenge_id)
    comment = data.comment.strip()
    if data.decision != "approve" and not comment:
        raise _invalid([FieldError("comment", N_("Write a comment or a reason."))])
    status = row["status"]
    if data.decision != "comment":
        status = rules.next_status(row["status"], data.decision)
        if status is None:
            raise Problem(
                409,
                "challenge_not_reviewable",
                N_("Only a challenge handed in for review can be decided."),
            )
    async with db.write_transaction():
        if status != row["status"]:
            moved = (
                await Challenge.update({Challenge.status: status})
                .where((Challenge.id == challenge_id) & (Challenge.status == row["status"]))
                .returning(Challenge.id)
            )
            if not moved:
                raise Problem(409, "challenge_not_reviewable", N_("Someone decided already."))
            await _mail_unit(row, status, comment, base_url)
        await log_event(actor, challenge_id, data.decision, comment)
    return await load(challenge_id)


async def _mail_unit(row: dict, status: str, comment: str, base_url: str) -> None:
    for person in await contacts_of(row["unit"]):
        await enqueue(
            person["email"],
            "challenge_reviewed",
            locale=person["locale"],
            context={
                "name": person["name"],
                "title": row["title"],
                "status": rules.STATUS_LABELS[status],
                "comment": comment,
                "link": f"{base_url}/unit/challenges/{row['id']}",
            },
        )


async def log_event(actor, challenge_id: UUID, action: str, comment: str = "") -> None:
    """One step in the challenge's history, and in the audit log."""
    await ChallengeEvent(
        challenge=challenge_id,
        actor=actor.id,
        action=action,
        comment=comment,
        created_at=clock.now(),
    ).save()
    await record(
        f"challenge.{action}", actor=actor, object_type="challenge", object_id=challenge_id
    )


async def events_of(challenge_id: UUID) -> list[dict]:
    """The challenge's history, oldest first."""
    return (
        await ChallengeEvent.select(
            ChallengeEvent.action,
            ChallengeEvent.comment,
            ChallengeEvent.created_at,
            ChallengeEvent.actor.name.as_alias("actor"),
        )
        .where(ChallengeEvent.challenge == challenge_id)
        .order_by(ChallengeEvent.created_at)
    )


async def list_challenges(actor, *, status: str | None = None) -> list[dict]:
    """Staff see every challenge, a unit's members their units' challenges; newest first."""
    query = Challenge.select(*COLUMNS).output(load_json=True)
    if not is_staff(actor):
        ids = await unit_ids_of(actor)
        if not ids:
            return []
        query = query.where(Challenge.unit.is_in(list(ids)))
    if status:
        query = query.where(Challenge.status == status)
    return await query.order_by(Challenge.created_at, ascending=False)
