"""The staff page's data: the schedule, the jurors of round 2 with their scoring progress, the
progress per team, and reading the schedule form (German date and time)."""

from __future__ import annotations

import re
from datetime import datetime

from challenge.jury.services import existing_round
from challenge.jury.tables import Assignment
from challenge.platform.forms import form_value
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.problems import FieldError, Problem
from partnerships.development.pitch import audience, services
from partnerships.development.schemas import PitchIn

GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})[ ,T]+(\d{1,2})[:.](\d{2})$")


def _invalid(field: str, message: str) -> Problem:
    return Problem(
        422,
        "validation_error",
        N_("Some fields are missing or invalid."),
        errors=[FieldError(field, message)],
    )


def parse_moment(text: str) -> datetime:
    """A wall-clock time in Leipzig, typed the German way (30.11.2026 14:00) or as the browser's
    date-time field sends it (2026-11-30T14:00)."""
    value = text.strip()
    match = GERMAN.match(value)
    try:
        if match:
            day, month, year, hour, minute = map(int, match.groups())
            moment = datetime(year, month, day, hour, minute)
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        raise _invalid("starts_at", N_("Enter date and time as DD.MM.YYYY HH:MM.")) from None
    return moment.replace(tzinfo=BERLIN) if moment.tzinfo is None else moment


def pitch_from_form(data: dict) -> PitchIn:
    """The schedule form as the API's input."""
    minutes = form_value(data, "slot_minutes").strip()
    if not re.fullmatch(r"[0-9]{1,4}", minutes):
        raise _invalid("slot_minutes", N_("A slot lasts 5 to 120 minutes."))
    return PitchIn(
        starts_at=parse_moment(form_value(data, "starts_at")),
        place=form_value(data, "place")[:300],
        video_url=form_value(data, "video_url")[:500],
        slot_minutes=int(minutes),
    )


def form_values(shown: dict | None) -> dict:
    """The form's values from the scheduled event (empty before)."""
    if shown is None:
        return {"starts_at": "", "place": "", "video_url": "", "slot_minutes": "20"}
    return {
        "starts_at": shown["starts_at"].astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M"),
        "place": shown["place"],
        "video_url": shown["video_url"],
        "slot_minutes": str(shown["slot_minutes"]),
    }


async def overview(call: dict) -> dict:
    """The schedule, the round-2 jurors (assigned / final per juror) and per team (final
    reviews of assigned jurors)."""
    shown = await services.schedule_of(call)
    jurors = await audience.round_jurors(call["id"])
    round_ = await existing_round(call["id"], services.ROUND)
    rows = []
    if round_ is not None:
        rows = await Assignment.select(
            Assignment.juror, Assignment.submission, Assignment.status
        ).where((Assignment.round == round_["id"]) & (Assignment.status != "recused"))
    for juror in jurors:
        mine = [r for r in rows if r["juror"] == juror["user"]]
        juror["assigned"] = len(mine)
        juror["done"] = sum(1 for r in mine if r["status"] == "done")
    for slot in (shown or {}).get("slots", []):
        theirs = [r for r in rows if r["submission"] == slot["submission_id"]]
        slot["assigned"] = len(theirs)
        slot["done"] = sum(1 for r in theirs if r["status"] == "done")
    return {"call": call, "shown": shown, "jurors": jurors, "round": round_}
