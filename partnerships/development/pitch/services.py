"""The pitch day of a call: staff schedule it (date, place or video link, minutes per team);
it becomes jury round 2 with the five published criteria, whose shortlist is the teams selected
for the development phase, with one slot per team in challenge order. The round's jurors (those
staff put in round 2, per challenge) are assigned every team of their challenges."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from challenge import db
from challenge.calls.schemas import Criterion
from challenge.jury import rounds
from challenge.jury.access import member_pairs
from challenge.jury.assignment_service import eligible_jurors
from challenge.jury.conflicts import active_conflicts
from challenge.jury.scope import covers
from challenge.jury.services import existing_round
from challenge.jury.tables import Assignment, Round, RoundEntry
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, forbidden, not_found
from partnerships.development import access
from partnerships.development.pitch import mails
from partnerships.development.rules import PITCH_CRITERIA
from partnerships.development.schemas import PitchIn
from partnerships.development.tables import PitchEvent, PitchSlot

ROUND = 2
ROUND_NAME = "Pitch"
# the rubric is stored in German, like every call's criteria (the published wording)
GERMAN_NAMES = {
    "maturity": "Reifegrad",
    "complexity": "Komplexität",
    "feasibility": "Umsetzungswahrscheinlichkeit",
    "followup_costs": "Erwartete Folgekosten",
    "continuation": "Verstetigungspotenzial",
}
SLOT_MINUTES = (5, 120)


def default_criteria() -> list[Criterion]:
    """The five published pitch criteria, each 0–10 with equal weight."""
    return [
        Criterion(key=key, name=GERMAN_NAMES.get(key, label), weight=1, scale_min=0, scale_max=10)
        for key, label in PITCH_CRITERIA
    ]


def _invalid(field: str, message: str) -> Problem:
    return Problem(
        422,
        "validation_error",
        N_("Some fields are missing or invalid."),
        errors=[FieldError(field, message)],
    )


async def staff_call(user, slug: str) -> dict:
    """The call for staff (404 for an unknown slug, 403 for anyone else)."""
    call = await access.call_by_slug(slug)
    if call is None:
        raise not_found(N_("Call not found"))
    if not is_staff(user):
        raise forbidden()
    return call


async def event_of(call_id: UUID) -> dict | None:
    """The call's pitch event, if scheduled."""
    return await PitchEvent.select().where(PitchEvent.call == call_id).first()


def _check(data: PitchIn) -> None:
    low, high = SLOT_MINUTES
    if not low <= data.slot_minutes <= high:
        raise _invalid("slot_minutes", N_("A slot lasts 5 to 120 minutes."))
    if data.starts_at.tzinfo is None:
        raise _invalid("starts_at", N_("Give the time with its time zone."))
    url = data.video_url.strip()
    if url and not url.startswith(("https://", "http://")):
        raise _invalid("video_url", N_("Enter a web address starting with https://."))
    if not data.place.strip() and not url:
        raise _invalid("place", N_("Name a place or a video link."))


ONLINE = "Online (Videokonferenz)"


async def _ensure_round(actor, call: dict, data: PitchIn) -> dict:
    """Round 2 named "Pitch" with the five criteria; an existing round keeps its rubric and gets
    the event's date and place (the call page shows them)."""
    # the call page shows the place to everyone: a video link stays in the mails and calendar
    place = data.place.strip() or ONLINE
    current = await existing_round(call["id"], ROUND)
    if current is None:
        return await rounds.create_round(
            actor,
            call,
            rounds.RoundIn(
                number=ROUND,
                name=ROUND_NAME,
                criteria=default_criteria(),
                reviews_per_submission=1,
                event_at=data.starts_at,
                event_place=place[:300],
            ),
        )
    async with db.write_transaction():
        await Round.update({Round.event_at: data.starts_at, Round.event_place: place[:300]}).where(
            Round.id == current["id"]
        )
    return current


async def _ordered(event_id: UUID | None, selected: list[dict]) -> list[dict]:
    """The selected teams in slot order: the present order kept, new teams appended in
    challenge order."""
    if event_id is None:
        return selected
    position = {
        r["submission"]: r["position"]
        for r in await PitchSlot.select(PitchSlot.submission, PitchSlot.position).where(
            PitchSlot.event == event_id
        )
    }
    kept = sorted((e for e in selected if e["id"] in position), key=lambda e: position[e["id"]])
    return kept + [e for e in selected if e["id"] not in position]


async def _write_slots(event_id: UUID, data: dict, ordered: list) -> None:
    """Consecutive slots of ``slot_minutes`` from the start, in the given order."""
    await PitchSlot.delete().where(PitchSlot.event == event_id)
    minutes = data["slot_minutes"]
    for index, submission_id in enumerate(ordered):
        await PitchSlot(
            event=event_id,
            submission=submission_id,
            position=index + 1,
            starts_at=data["starts_at"] + timedelta(minutes=minutes * index),
            minutes=minutes,
        ).save()


async def schedule(actor, call: dict, data: PitchIn, *, base_url: str) -> dict:
    """Create or re-schedule the pitch day: round 2, its shortlist, the slots, the jurors'
    assignments; teams and jurors get the schedule by mail. 422 without selected teams."""
    _check(data)
    selected = await access.selected_of_call(call["id"])
    if not selected:
        raise Problem(
            422, "nobody_selected", N_("No team is selected for the development phase yet.")
        )
    round_ = await _ensure_round(actor, call, data)
    await rounds.set_shortlist(actor, call, ROUND, [e["id"] for e in selected])
    current = await event_of(call["id"])
    values = {
        "starts_at": data.starts_at,
        "place": data.place.strip(),
        "video_url": data.video_url.strip(),
        "slot_minutes": data.slot_minutes,
    }
    ordered = [e["id"] for e in await _ordered(current and current["id"], selected)]
    async with db.write_transaction():
        if current is None:
            event = PitchEvent(
                call=call["id"], round_number=ROUND, created_at=clock.now(), **values
            )
            await event.save()
            event_id = event.id
        else:
            event_id = current["id"]
            await PitchEvent.update(values).where(PitchEvent.id == event_id)
        await _write_slots(event_id, values, ordered)
        created = await _assign_panel(call, round_)
        await record(
            "pitch.scheduled" if current is None else "pitch.rescheduled",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={
                "starts_at": data.starts_at.isoformat(),
                "slot_minutes": data.slot_minutes,
                "teams": len(ordered),
                "assignments": created,
            },
        )
        shown = await schedule_of(call)
        await mails.send_schedule(call, shown, base_url=base_url)
    return shown


async def reorder(actor, call: dict, submission_ids: list[UUID], *, base_url: str) -> dict:
    """Staff put the slots in a new order (every scheduled team exactly once); times follow."""
    event = await event_of(call["id"])
    if event is None:
        raise not_found(N_("No pitch day is scheduled for this call."))
    async with db.write_transaction():
        present = [
            r["submission"]
            for r in await PitchSlot.select(PitchSlot.submission)
            .where(PitchSlot.event == event["id"])
            .order_by(PitchSlot.position)
        ]
        if sorted(map(str, submission_ids)) != sorted(map(str, present)):
            raise _invalid("submission_ids", N_("Name every scheduled team exactly once."))
        await _write_slots(event["id"], event, list(submission_ids))
        await record(
            "pitch.reordered",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"order": [str(s) for s in submission_ids]},
        )
        shown = await schedule_of(call)
        await mails.send_schedule(call, shown, base_url=base_url)
    return shown


async def move(actor, call: dict, submission_id: UUID, step: int, *, base_url: str) -> dict:
    """Move one team a slot up (-1) or down (+1): the staff page's buttons."""
    shown = await schedule_of(call)
    ids = [s["submission_id"] for s in shown["slots"]] if shown else []
    if submission_id not in ids:
        raise not_found(N_("This team has no slot."))
    index = ids.index(submission_id)
    other = index + step
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return await reorder(actor, call, ids, base_url=base_url)


async def _assign_panel(call: dict, round_: dict) -> int:
    """Every eligible round-2 juror gets every shortlisted team of their challenges — never a
    conflicted pair or their own team; existing assignments stay. Inside the caller's
    transaction; returns how many were added."""
    jurors = await eligible_jurors(call, ROUND)
    entries = await rounds.entries_of_round(call, round_)
    blocked = {(c["juror"], c["submission"]) for c in await active_conflicts(call["id"])}
    blocked |= await member_pairs([j["user"] for j in jurors], entries)
    existing = {
        (a["juror"], a["submission"])
        for a in await Assignment.select(Assignment.juror, Assignment.submission).where(
            Assignment.round == round_["id"]
        )
    }
    created = 0
    for juror in jurors:
        for entry in entries:
            pair = (juror["user"], entry["id"])
            if pair in blocked or pair in existing:
                continue
            if not covers(juror.get("challenges"), entry["challenge"]):
                continue
            await Assignment(
                round=round_["id"], juror=pair[0], submission=pair[1], created_at=clock.now()
            ).save()
            created += 1
    return created


async def assign_panel(actor, call: dict) -> int:
    """Staff's button after naming the round-2 jurors: assign them the teams they judge."""
    round_ = await existing_round(call["id"], ROUND)
    if round_ is None:
        raise not_found(N_("No pitch day is scheduled for this call."))
    async with db.write_transaction():
        created = await _assign_panel(call, round_)
        await record(
            "pitch.panel_assigned",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"created": created},
        )
    return created


async def schedule_of(call: dict) -> dict | None:
    """The event with its slots in order: each slot's entry (id, reference, title, team and
    challenge), start, end and minutes; None before the pitch day is scheduled."""
    event = await event_of(call["id"])
    if event is None:
        return None
    rows = (
        await PitchSlot.select(
            PitchSlot.submission.as_alias("submission_id"),
            PitchSlot.position,
            PitchSlot.starts_at,
            PitchSlot.minutes,
            PitchSlot.submission.reference.as_alias("reference"),
            PitchSlot.submission.title.as_alias("title"),
            PitchSlot.submission.organisation.as_alias("organisation"),
            PitchSlot.submission.organisation.name.as_alias("team"),
            PitchSlot.submission.challenge.as_alias("challenge_id"),
            PitchSlot.submission.challenge.key.as_alias("challenge_key"),
            PitchSlot.submission.challenge.title.as_alias("challenge_title"),
        )
        .where(PitchSlot.event == event["id"])
        .order_by(PitchSlot.position)
    )
    for row in rows:
        row["ends_at"] = row["starts_at"] + timedelta(minutes=row["minutes"])
    return {**event, "slots": rows, "blind": bool(call.get("blind_review"))}


async def shortlist_ids(round_id: UUID) -> list[UUID]:
    """The round's shortlisted entries."""
    return [
        r["submission"]
        for r in await RoundEntry.select(RoundEntry.submission).where(RoundEntry.round == round_id)
    ]
