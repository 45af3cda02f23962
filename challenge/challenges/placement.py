"""Challenges in a call: staff attach approved challenges under a short key, order them and
withdraw them while no proposal answers them; the call's pages list them."""

from __future__ import annotations

import json
from uuid import UUID

from challenge import db
from challenge.calls.entries import challenge_has_entries
from challenge.calls.tables import Call
from challenge.challenges import rules
from challenge.challenges.intake import COLUMNS, load, log_event, refuse_once_open
from challenge.challenges.schemas import AttachIn
from challenge.challenges.tables import Challenge
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem, forbidden, not_found

# Every page of a call reads its challenges: one fixed statement skips building the same
# joined select for each request (the query builder cost more than the query; issue 17 figure).
_OF_CALL = (
    "SELECT challenges.*, units.name AS unit_name FROM challenges JOIN units ON units.id = "
    "challenges.unit WHERE challenges.\"call\" = {} AND challenges.status = 'approved' "
    'ORDER BY challenges."position", challenges."key"'
)
_JSON = ("offer", "questions", "faq")


async def of_call(call_id: UUID) -> list[dict]:
    """The call's challenges (approved, attached), in their order, with the unit's name."""
    rows = await Challenge.raw(_OF_CALL, call_id)
    for row in rows:
        for name in _JSON:
            if isinstance(row[name], str):
                row[name] = json.loads(row[name])
    return rows


async def has_challenges(call_id: UUID) -> bool:
    """Whether proposals to this call must name a challenge."""
    return await Challenge.exists().where(
        (Challenge.call == call_id) & (Challenge.status == "approved")
    )


async def by_key(call_id: UUID, key: str) -> dict:
    """One of the call's challenges by its key; 404 if the call has none such."""
    row = (
        await Challenge.select(*COLUMNS)
        .where(
            (Challenge.call == call_id) & (Challenge.key == key) & (Challenge.status == "approved")
        )
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise not_found(N_("Challenge not found"))
    return row


async def attach(actor, call: dict, data: AttachIn) -> dict:
    """Put an approved challenge into a call under ``key`` (409 ``key_taken``); only before the
    call opens."""
    if not is_staff(actor):
        raise forbidden()
    errors = rules.key_errors(data.key)
    if errors:
        raise Problem(
            422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
        )
    row = await load(data.challenge_id)
    if row["status"] != "approved":
        raise Problem(
            409, "challenge_not_approved", N_("Only an approved challenge can join a call.")
        )
    if row["call"] is not None and row["call"] != call["id"]:
        raise Problem(409, "challenge_in_other_call", N_("This challenge belongs to another call."))
    await _refuse_open_call(call)
    clash = {q["key"] for q in call["questions"] or []} & {q["key"] for q in row["questions"] or []}
    if clash:
        raise Problem(
            422,
            "question_key_clash",
            N_("The challenge asks a question under a key the call uses already."),
            extra={"keys": sorted(clash)},
        )
    try:
        async with db.write_transaction():
            await Challenge.update({Challenge.call: call["id"], Challenge.key: data.key}).where(
                Challenge.id == row["id"]
            )
            await _place(call["id"], row["id"], data.position)
            await log_event(actor, row["id"], "attached", call["slug"])
    except Exception as error:
        if not db.is_unique_violation(error):
            raise
        raise Problem(
            409, "key_taken", N_("Another challenge of this call has this key.")
        ) from None
    return await load(row["id"])


async def withdraw(actor, call: dict, key: str, reason: str) -> dict:
    """Take a challenge out of the call before anyone answered it (409
    ``challenge_has_proposals`` afterwards); the reason is kept in its history."""
    if not is_staff(actor):
        raise forbidden()
    row = await by_key(call["id"], key)
    if not await may_withdraw(row["id"]):
        raise Problem(
            409,
            "challenge_has_proposals",
            N_("Teams have answered this challenge; it can no longer be withdrawn."),
        )
    async with db.write_transaction():
        await Challenge.update({Challenge.status: "withdrawn", Challenge.key: None}).where(
            Challenge.id == row["id"]
        )
        # the call's PDF lists its challenges: a newer call issues it again
        await Call.update({Call.updated_at: clock.now()}).where(Call.id == call["id"])
        await log_event(actor, row["id"], "withdrawn", reason.strip())
    return await load(row["id"])


async def move(actor, call: dict, key: str, position: int) -> dict:
    """Change where a challenge stands in the call's list (before the call opens)."""
    if not is_staff(actor):
        raise forbidden()
    row = await by_key(call["id"], key)
    await refuse_once_open(row)
    async with db.write_transaction():
        await _place(call["id"], row["id"], position)
        await record(
            "challenge.moved",
            actor=actor,
            object_type="challenge",
            object_id=row["id"],
            payload={"position": position},
        )
    return await load(row["id"])


async def _place(call_id: UUID, challenge_id: UUID, position: int | None) -> None:
    """Put the challenge at ``position`` (the end if None) and number the list 0, 1, 2, …"""
    others = [
        row["id"]
        for row in await Challenge.select(Challenge.id)
        .where(
            (Challenge.call == call_id)
            & (Challenge.status == "approved")
            & (Challenge.id != challenge_id)
        )
        .order_by(Challenge.position)
        .order_by(Challenge.key)
    ]
    others.insert(len(others) if position is None else min(position, len(others)), challenge_id)
    for index, other in enumerate(others):
        await Challenge.update({Challenge.position: index}).where(Challenge.id == other)


async def may_withdraw(challenge_id: UUID) -> bool:
    """A challenge leaves its call only while no team has answered it."""
    return not await challenge_has_entries(challenge_id)


async def _refuse_open_call(call: dict) -> None:
    if rules.call_has_opened(call, clock.now()):
        raise Problem(
            409, "call_open", N_("The call has opened: its challenges can no longer be changed.")
        )


async def call_of(challenge: dict) -> dict | None:
    """The call a challenge belongs to (status, slug, dates), or None."""
    if challenge["call"] is None:
        return None
    return await Call.select().where(Call.id == challenge["call"]).output(load_json=True).first()
