"""This year's spring call in the development phase: stipends paid, the checklists under way,
offers in draft, the pitch day scheduled for the week after the phase."""

from __future__ import annotations

from datetime import timedelta

from challenge.platform import clock
from challenge.platform.i18n import BERLIN
from partnerships.development.demo import current, flow
from partnerships.development.demo.current import at_berlin
from partnerships.development.offers import services as offers
from partnerships.development.phase import phase_of
from partnerships.development.pitch import services as pitch
from partnerships.development.schemas import CostLine, OfferIn, OfferMilestone, OpenSource, PitchIn
from partnerships.development.workspace import checklist
from partnerships.development.workspace import services as workspace
from partnerships.development.workspace.schemas import ChecklistIn, MeetingIn

DRAFTS = {
    1: ("Echtzeitkarte freier Ladezonen mit Sensoren an 20 Zonen", 18_000_00, True),
    2: ("Zwei Mikro-Depots am Innenstadtring, Buchung per App", 22_500_00, False),
    4: ("QR-Codes an 50 Spielplätzen, Meldungen direkt ins Fachverfahren", 14_000_00, True),
}


async def _draft_offers(call: dict) -> int:
    """Three teams have begun their offers (the others have not yet)."""
    count = 0
    for number, (scope, total, open_source) in DRAFTS.items():
        team = await flow.actor(f"team2026-{number}@demo.leipzig.de")
        entry = await current.entry_of(call["id"], number)
        first = total // 2
        await offers.save(
            team,
            entry,
            OfferIn(
                scope=scope,
                goals="Weniger Behinderungen, bessere Daten für die Verwaltung.",
                months=6,
                milestones=[
                    OfferMilestone(title="Aufbau", month=2, amount_cents=first),
                    OfferMilestone(
                        title="Pilotbetrieb und Bericht", month=6, amount_cents=total - first
                    ),
                ],
                costs=[
                    CostLine(category="Personal", description="Entwicklung", amount_cents=total)
                ],
                followup_cents_per_year=2_400_00,
                open_source=OpenSource(
                    intent=open_source, licence="EUPL-1.2" if open_source else None
                ),
                version=0,
            ),
        )
        count += 1
    return count


# what the city and two teams have worked through so far: (team, key, status, owner, note)
CHECKLIST = [
    (1, "data_access", "done", "city", "Zugang zu den Ladezonen-Daten des VTA eingerichtet."),
    (1, "data_protection", "in_progress", "city", "Datenschutz-Folgenabschätzung läuft."),
    (1, "infrastructure", "in_progress", "city", "20 Ladezonen am Ring als Teststrecke."),
    (4, "data_access", "done", "city", "Spielplatzkataster als Export bereitgestellt."),
    (4, "procurement", "in_progress", "city", "Direktauftrag unter der Wertgrenze geprüft."),
]


async def _workspaces(people, call: dict, starts_on) -> None:
    """The checklists under way and a kick-off meeting per selected team."""
    for number, key, status, owner, note in CHECKLIST:
        entry = await current.entry_of(call["id"], number)
        await checklist.update_item(
            people.staff, entry, key, ChecklistIn(status=status, owner=owner, note=note)
        )
    for number in (1, 2, 3, 4, 5):
        entry = await current.entry_of(call["id"], number)
        await workspace.add_meeting(
            people.staff,
            entry,
            MeetingIn(
                held_at=at_berlin(starts_on + timedelta(days=2), 10),
                participants="Team, Mentor des Digitalstadt-Teams, Fachamt",
                minutes="Auftakt: Ziele der Entwicklungsphase, **Datenzugang** und nächste "
                "Termine besprochen.",
            ),
        )


async def load_now(settings, base_url: str) -> int:
    """The spring call, its paid stipends and draft offers; 0 if it exists already."""
    people = await flow.cast()
    call = await current.load_current_call(people.staff, base_url)
    if call is None:
        return 0
    phase = await phase_of(call)
    today = clock.now().astimezone(BERLIN).date()
    paid_on = min(today, phase["starts_on"] + timedelta(days=5))
    await flow.pay_stipends(people, call["id"], settings, phase, paid_on, "STIP-2026")
    await _workspaces(people, call, phase["starts_on"])
    await _draft_offers(call)
    await pitch.schedule(
        people.staff,
        call,
        PitchIn(
            starts_at=at_berlin(phase["ends_on"] + timedelta(days=11), 9),  # a Thursday
            place="Digital Campus Leipzig, Kolonnadenstraße 8",
            slot_minutes=25,
        ),
        base_url=base_url,
    )
    return 1
