"""The juror's pitch scoring screen: one team at a time in slot order, the round-2 rubric, the
juror's own review. A juror sees the slots of the teams assigned to them in round 2 (their
challenges, no conflict, not their own team); on a blind call nothing names the team. Saving
goes through the jury's review rules (challenge.jury.reviews.save_review) unchanged."""

from __future__ import annotations

import asyncio
from datetime import datetime
from uuid import UUID

import msgspec

from challenge.calls.tables import Call
from challenge.jury import reviews
from challenge.jury.scope import covers
from challenge.jury.services import existing_round
from challenge.jury.tables import Assignment, Conflict, Juror, Review
from challenge.organisations.tables import Membership
from challenge.platform.i18n import N_
from challenge.platform.problems import not_found
from partnerships.development.pitch.audience import ROUND
from partnerships.development.tables import PitchSlot

NOT_FOUND = N_("There is no pitch to score for you here.")


async def _juror(call: dict, user) -> dict | None:
    row = (
        await Juror.select(Juror.rounds, Juror.challenges, Juror.declaration_completed_at)
        .where((Juror.call == call["id"]) & (Juror.user == user.id))
        .output(load_json=True)
        .first()
    )
    return row if row is not None and ROUND in (row["rounds"] or [1]) else None


SLOTS_SQL = (
    "SELECT s.submission AS id, s.position, s.starts_at, s.minutes, sub.reference, sub.title,"
    " sub.organisation, o.name AS team, sub.challenge, c.title AS challenge_title"
    " FROM pitch_slots s JOIN pitch_events e ON e.id = s.event"
    " JOIN submissions sub ON sub.id = s.submission"
    " JOIN organisations o ON o.id = sub.organisation"
    " LEFT JOIN challenges c ON c.id = sub.challenge"
    " WHERE e.call = {} ORDER BY s.position"
)


def _uuid(value) -> UUID | None:
    return value if value is None or isinstance(value, UUID) else UUID(str(value))


def _moment(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


async def _slots(call_id: UUID) -> list[dict]:
    """The call's slots in order with their entries (raw SQL: building the same query with
    Piccolo's joins costs more than running it)."""
    rows = await PitchSlot.raw(SLOTS_SQL, call_id)
    for row in rows:
        for key in ("id", "organisation", "challenge"):
            row[key] = _uuid(row[key])
        row["starts_at"] = _moment(row["starts_at"])
    return rows


IN_ROUND = (
    " JOIN jury_rounds r ON r.id = x.round WHERE r.call = {} AND r.number = {} AND x.juror = {}"
)


async def _assigned(user, call_id: UUID) -> set:
    """The entries the juror is assigned (not recused) in the call's round 2."""
    rows = await Assignment.raw(
        "SELECT x.submission FROM assignments x" + IN_ROUND + " AND x.status <> 'recused'",
        call_id,
        ROUND,
        user.id,
    )
    return {_uuid(r["submission"]) for r in rows}


def _json(value) -> dict:
    if isinstance(value, str | bytes):
        return msgspec.json.decode(value) if value else {}
    return value or {}


async def _reviews(user, call_id: UUID) -> dict:
    """The juror's own round-2 reviews of the call (scores, comment, status, time), by entry."""
    rows = await Review.raw(
        "SELECT x.submission, x.scores, x.comment, x.status, x.version, x.updated_at"
        " FROM reviews x" + IN_ROUND,
        call_id,
        ROUND,
        user.id,
    )
    for row in rows:
        row["submission"] = _uuid(row["submission"])
        row["scores"] = _json(row["scores"])
        row["updated_at"] = _moment(row["updated_at"])
    return {r["submission"]: r for r in rows}


async def _conflicted(user) -> set:
    return {
        r["submission"]
        for r in await Conflict.select(Conflict.submission).where(
            (Conflict.juror == user.id) & Conflict.lifted_at.is_null()
        )
    }


async def _teams(user) -> set:
    return {
        r["organisation"]
        for r in await Membership.select(Membership.organisation).where(Membership.user == user.id)
    }


async def _call(slug: str) -> dict | None:
    return (
        await Call.select(Call.id, Call.slug, Call.title, Call.blind_review)
        .where(Call.slug == slug)
        .first()
    )


def _visible(rows: list, juror: dict, assigned: set, conflicted: set, teams: set) -> list:
    """The slots of the juror's assigned, unconflicted entries of their challenges, never of
    their own team."""
    return [
        s
        for s in rows
        if s["id"] in assigned
        and s["id"] not in conflicted
        and s["organisation"] not in teams
        and covers(juror["challenges"], s["challenge"])
    ]


async def juror_slots(user, slug: str, *, with_reviews: bool = False) -> tuple:
    """The call, round 2 and the slots this juror scores, in order — 404 for anyone else (and
    none before the declaration is complete, when a juror sees no entry). The reads run side by
    side: the screen loads in a few round trips."""
    call = await _call(slug) if user is not None else None
    if call is None:
        raise not_found(NOT_FOUND)
    reads = [
        _juror(call, user),
        existing_round(call["id"], ROUND),
        _slots(call["id"]),
        _assigned(user, call["id"]),
        _conflicted(user),
        _teams(user),
    ]
    if with_reviews:
        reads.append(_reviews(user, call["id"]))
    juror, round_, rows, assigned, conflicted, teams, *reviewed = await asyncio.gather(*reads)
    if juror is None:
        raise not_found(NOT_FOUND)
    if round_ is None or juror["declaration_completed_at"] is None:
        return call, round_ or {}, []
    slots = _visible(rows, juror, assigned, conflicted, teams)
    for slot in slots:
        if reviewed:
            slot["review"] = reviewed[0].get(slot["id"])
        if call["blind_review"]:
            slot["team"] = ""
            slot["organisation"] = None
    return call, round_, slots


async def screen(user, slug: str, position: int) -> dict:
    """One slot (1-based ``position``, clamped) with the juror's review and the neighbours."""
    call, round_, slots = await juror_slots(user, slug, with_reviews=True)
    if not slots:
        return {"call": call, "round": round_, "slots": [], "slot": None, "review": None}
    index = min(max(position, 1), len(slots)) - 1
    slot = slots[index]
    review = slot.get("review")
    return {
        "call": call,
        "round": round_,
        "slots": slots,
        "slot": slot,
        "index": index + 1,
        "previous": index if index > 0 else None,
        "next": index + 2 if index + 1 < len(slots) else None,
        "review": review,
        "blind": bool(call["blind_review"]),
    }


async def save(
    user, slug: str, submission_id: UUID, *, scores: dict, comment: str, final: bool
) -> dict:
    """Save the juror's draft or final review of the team in round 2 (the jury's rules decide:
    assignment, window, scale, final stays final); keeps per-criterion comments and sharing."""
    call, round_, slots = await juror_slots(user, slug)
    if not any(s["id"] == submission_id for s in slots):
        raise not_found(NOT_FOUND)
    current = await reviews.own_review(round_["id"], user.id, submission_id)
    return await reviews.save_review(
        user,
        submission_id,
        number=ROUND,
        scores=scores,
        comment=comment,
        comments=(current or {}).get("comments") or {},
        shareable=bool((current or {}).get("shareable")),
        final=final,
    )


def position_of(slots: list[dict], submission_id: UUID) -> int:
    """The 1-based position of the team in the juror's slots (1 if absent)."""
    for index, slot in enumerate(slots):
        if slot["id"] == submission_id:
            return index + 1
    return 1
