"""The pitch day as an iCalendar file, built like the call's dates (challenge.calls.services.
call_calendar): the icalendar library folds lines, ends them with CRLF and escapes text; UIDs
are stable so a re-scheduled pitch replaces the events in the calendar; DTSTAMP is the time of
the last change. One event for the day, one per slot shown."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event

from challenge.platform import theme


def slot_label(slot: dict, *, names: bool) -> str:
    """How a slot is named: reference, title and team — the reference only where names must
    not show (a blind call's jurors)."""
    if not names:
        return slot["reference"] or ""
    return f"{slot['reference']}: {slot['title']} ({slot['team']})"


def _day(call: dict, shown: dict, base_url: str) -> Event:
    slots = shown["slots"]
    ends = max(
        [s["ends_at"] for s in slots]
        or [shown["starts_at"] + timedelta(minutes=shown["slot_minutes"])]
    )
    event = Event()
    event.add("uid", f"pitch-{shown['id']}@smart-city-challenge")
    event.add("summary", f"Pitch: {call['title']}")
    event.add("dtstart", shown["starts_at"])
    event.add("dtend", ends)
    event.add("dtstamp", shown["updated_at"] or shown["created_at"])
    if shown["place"]:
        event.add("location", shown["place"])
    event.add("url", shown["video_url"] or f"{base_url}/calls/{call['slug']}")
    lines = [f"Pitch-Tag der Smart City Challenge „{call['title']}“."]
    if shown["video_url"]:
        lines.append(f"Videokonferenz: {shown['video_url']}")
    event.add("description", "\n".join(lines))
    return event


def _slot(call: dict, shown: dict, slot: dict, *, names: bool) -> Event:
    event = Event()
    event.add("uid", f"pitch-slot-{slot['submission_id']}@smart-city-challenge")
    event.add("summary", f"Pitch {slot_label(slot, names=names)}")
    event.add("dtstart", slot["starts_at"])
    event.add("dtend", slot["ends_at"])
    event.add("dtstamp", shown["updated_at"] or shown["created_at"])
    if shown["place"]:
        event.add("location", shown["place"])
    if slot.get("challenge_title"):
        event.add("description", f"Challenge: {slot['challenge_title']}")
    return event


def pitch_calendar(
    call: dict, shown: dict, base_url: str, *, slots: list[dict], names: bool
) -> bytes:
    """The pitch day and the given slots (a team: its own; jurors and staff: all)."""
    calendar = Calendar()
    calendar.add("prodid", theme.current().prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Pitch: {call['title']}")
    calendar.add_component(_day(call, shown, base_url))
    for slot in slots:
        calendar.add_component(_slot(call, shown, slot, names=names))
    return calendar.to_ical()
