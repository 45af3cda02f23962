"""Due dates as iCalendar: one partnership's (staff and partner), or every active partnership's
for staff behind a secret URL (an HMAC, so it needs no login and no table).

The feed's key is CHALLENGE_CALENDAR_FEED_SECRET when set, else the portal's secret key: setting
or changing it rotates the feed address on its own (old addresses answer 404) without touching
sessions or anything else signed with the secret key. Any token that is not exactly 40 lowercase
hex digits — empty, too long, non-hex, non-ASCII — is 404 before any comparison."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

from icalendar import Calendar, Event

from challenge.platform import clock, theme
from challenge.settings import Settings
from partnerships.tables import Milestone, Partnership

_TOKEN = re.compile(r"[0-9a-f]{40}")


def feed_token(settings: Settings) -> str:
    """The staff feed's secret address part (40 hex digits)."""
    key = settings.calendar_feed_secret or settings.secret_key
    return hmac.new(key.encode(), b"partnerships-calendar-feed", hashlib.sha256).hexdigest()[:40]


def feed_token_valid(settings: Settings, token: object) -> bool:
    """Constant-time for well-formed tokens; anything else is simply not valid (never an error:
    compare_digest raises on non-ASCII text)."""
    if not isinstance(token, str) or _TOKEN.fullmatch(token) is None:
        return False
    return hmac.compare_digest(token.encode("ascii"), feed_token(settings).encode("ascii"))


async def partnership_calendar(partnerships: list[dict] | None, settings: Settings) -> bytes:
    """All-day events for milestone due dates and contract ends."""
    if partnerships is None:
        partnerships = await Partnership.select().where(
            Partnership.status.is_in(["sent", "signed", "active"])
        )
    calendar = Calendar()
    calendar.add("prodid", theme.current().prodid)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Smart City Challenge – Meilensteine")
    ids = [p["id"] for p in partnerships]
    milestones = await Milestone.select().where(Milestone.partnership.is_in(ids)) if ids else []
    titles = {p["id"]: p["title"] for p in partnerships}
    stamp = clock.now()
    for milestone in milestones:
        event = Event()
        event.add("uid", f"milestone-{milestone['id']}@smart-city-challenge")
        event.add("summary", f"{milestone['title']} – {titles[milestone['partnership']]}")
        event.add("dtstart", milestone["due_date"])
        event.add("dtend", milestone["due_date"] + timedelta(days=1))
        event.add("dtstamp", stamp)
        event.add(
            "description",
            f"{milestone['deliverables']}\n{settings.base_url}/partner/partnerships/{milestone['partnership']}",
        )
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    for partnership in partnerships:
        event = Event()
        event.add("uid", f"partnership-end-{partnership['id']}@smart-city-challenge")
        event.add("summary", f"Vertragsende – {partnership['title']}")
        event.add("dtstart", partnership["end_date"])
        event.add("dtend", partnership["end_date"] + timedelta(days=1))
        event.add("dtstamp", stamp)
        calendar.add_component(event)
    return calendar.to_ical()
