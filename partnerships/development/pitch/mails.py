"""The schedule by mail: each selected team's members get their own slot, the jurors of round 2
the whole schedule (by reference only on a blind call); every mail links the .ics."""

from __future__ import annotations

from challenge.platform.mail.outbox import enqueue
from partnerships.development.pitch.audience import juror_slots, members_of, round_jurors
from partnerships.development.pitch.calendar import slot_label

TEMPLATE = "pitch_scheduled"


def _context(call: dict, shown: dict, base_url: str, name: str, slots: list, names: bool) -> dict:
    return {
        "base_url": base_url,
        "name": name,
        "call": call["title"],
        "starts_at": shown["starts_at"],
        "place": shown["place"],
        "video_url": shown["video_url"],
        "slots": [
            {
                "label": slot_label(s, names=names),
                "starts_at": s["starts_at"],
                "ends_at": s["ends_at"],
            }
            for s in slots
        ],
        "ics": f"{base_url}/api/v1/calls/{call['slug']}/pitch.ics",
        "link": f"{base_url}/calls/{call['slug']}",
    }


async def send_schedule(call: dict, shown: dict, *, base_url: str) -> int:
    """Mail the schedule inside the caller's transaction; returns how many mails were queued."""
    sent = 0
    by_team: dict = {}
    for slot in shown["slots"]:
        by_team.setdefault(slot["organisation"], []).append(slot)
    for member in await members_of(by_team):
        await enqueue(
            member["email"],
            TEMPLATE,
            locale=member["locale"],
            context={
                **_context(
                    call, shown, base_url, member["name"], by_team[member["organisation"]], True
                ),
                "juror": False,
            },
            scope=str(call["id"]),
        )
        sent += 1
    for juror in await round_jurors(call["id"]):
        await enqueue(
            juror["email"],
            TEMPLATE,
            locale=juror["locale"],
            context={
                **_context(
                    call,
                    shown,
                    base_url,
                    juror["name"],
                    await juror_slots(juror["user"], call["id"], shown["slots"]),
                    not shown["blind"],
                ),
                "juror": True,
                "link": f"{base_url}/jury/calls/{call['slug']}/pitch",
            },
            scope=str(call["id"]),
        )
        sent += 1
    return sent
