"""The juror's pitch scoring screen: one team at a time in slot order, the round-2 rubric, the
juror's own review. A juror sees the slots of the teams assigned to them in round 2 (their
challenges, no conflict, not their own team); on a blind call nothing names the team. Saving
goes through the jury's review rules (challenge.jury.reviews.save_review) unchanged."""

from __future__ import annotations

from uuid import UUID

from challenge.jury import reviews
from challenge.jury.scope import covers
from challenge.jury.services import existing_round
from challenge.jury.tables import Assignment, Conflict, Juror
from challenge.organisations.tables import Membership
from challenge.platform.i18n import N_
from challenge.platform.problems import not_found
from partnerships.development import access
from partnerships.development.pitch.audience import ROUND
from partnerships.development.tables import PitchSlot

NOT_FOUND = N_("There is no pitch to score for you here.")


async def _juror(call: dict, user) -> dict:
    row = (
        await Juror.select(Juror.rounds, Juror.challenges, Juror.declaration_completed_at)
        .where((Juror.call == call["id"]) & (Juror.user == user.id))
        .output(load_json=True)
        .first()
    )
    if row is None or ROUND not in (row["rounds"] or [1]):
        raise not_found(NOT_FOUND)
    return row


async def _slots(call_id: UUID) -> list[dict]:
    return (
        await PitchSlot.select(
            PitchSlot.submission.as_alias("id"),
            PitchSlot.position,
            PitchSlot.starts_at,
            PitchSlot.minutes,
            PitchSlot.submission.reference.as_alias("reference"),
            PitchSlot.submission.title.as_alias("title"),
            PitchSlot.submission.organisation.as_alias("organisation"),
            PitchSlot.submission.organisation.name.as_alias("team"),
            PitchSlot.submission.challenge.as_alias("challenge"),
            PitchSlot.submission.challenge.title.as_alias("challenge_title"),
        )
        .where(PitchSlot.event.call == call_id)
        .order_by(PitchSlot.position)
    )


async def _blocked(user, round_id: UUID) -> tuple[set, set, set]:
    """The juror's round-2 assignments, active conflicts and own teams."""
    assigned = {
        r["submission"]
        for r in await Assignment.select(Assignment.submission).where(
            (Assignment.round == round_id)
            & (Assignment.juror == user.id)
            & (Assignment.status != "recused")
        )
    }
    conflicted = {
        r["submission"]
        for r in await Conflict.select(Conflict.submission).where(
            (Conflict.juror == user.id) & Conflict.lifted_at.is_null()
        )
    }
    teams = {
        r["organisation"]
        for r in await Membership.select(Membership.organisation).where(Membership.user == user.id)
    }
    return assigned, conflicted, teams


async def juror_slots(user, slug: str) -> tuple[dict, dict, list[dict]]:
    """The call, round 2 and the slots this juror scores, in order — 404 for anyone else (and
    before the declaration is complete, when a juror sees no entry)."""
    call = await access.call_by_slug(slug) if user is not None else None
    if call is None:
        raise not_found(NOT_FOUND)
    juror = await _juror(call, user)
    round_ = await existing_round(call["id"], ROUND)
    if round_ is None or juror["declaration_completed_at"] is None:
        return call, round_ or {}, []
    assigned, conflicted, teams = await _blocked(user, round_["id"])
    slots = [
        s
        for s in await _slots(call["id"])
        if s["id"] in assigned
        and s["id"] not in conflicted
        and s["organisation"] not in teams
        and covers(juror["challenges"], s["challenge"])
    ]
    if call["blind_review"]:
        for slot in slots:
            slot["team"] = ""
            slot["organisation"] = None
    return call, round_, slots


async def screen(user, slug: str, position: int) -> dict:
    """One slot (1-based ``position``, clamped) with the juror's review and the neighbours."""
    call, round_, slots = await juror_slots(user, slug)
    if not slots:
        return {"call": call, "round": round_, "slots": [], "slot": None, "review": None}
    index = min(max(position, 1), len(slots)) - 1
    slot = slots[index]
    review = await reviews.own_review(round_["id"], user.id, slot["id"])
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
