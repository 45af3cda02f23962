"""Last year's call complete through its pilots: six teams had a stipend (paid), handed in
offers and pitched; the cycling challenge got an open-source pilot whose bonus is paid, the
accessibility challenge no pilot. The pilot's milestones show a paid one, one waiting for
review, an overdue one and one ahead."""

from __future__ import annotations

from datetime import timedelta

from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge
from challenge.jury.tables import Assignment, Juror, Review, Round, RoundEntry
from challenge.platform import clock
from challenge.platform.i18n import BERLIN
from challenge.results.tables import Decision
from partnerships.contracts import services as contracts
from partnerships.development import rules
from partnerships.development.demo import flow
from partnerships.development.demo.current import at_berlin
from partnerships.development.offers import services as offers
from partnerships.development.phase import PhaseIn, phase_of, set_phase
from partnerships.development.pilots import services as pilots
from partnerships.development.schemas import PilotIn
from partnerships.development.tables import Offer
from partnerships.milestones import services as delivery
from partnerships.milestones import verification

SLUG = "mobilitaet-2025"
REPOSITORY = "https://codeberg.org/radparken-leipzig/fahrradbuegel"
LICENCE = "EUPL-1.2"
# The offer of the cycling challenge's best team: what its pilot contract was made from.
PILOT_PLAN = [
    ("Konzept und Datenmodell", "Konzeptpapier, offenes Datenmodell", 1, 5_000_00),
    ("Prototyp an fünf Haltestellen", "Sensoren, App-Anbindung, Testbericht", 2, 7_500_00),
    ("Nutzerbefragung", "Befragung von 300 Radfahrenden, Auswertung", 3, 5_000_00),
    ("Pilotbetrieb an 40 Haltestellen", "Betrieb, Übergabe, Abschlussbericht", 6, 7_500_00),
]
COSTS = [
    ("Personal", "Entwicklung und Projektleitung", 16_000_00),
    ("Sachkosten", "Sensoren und Montage an 40 Bügeln", 7_000_00),
    ("Betrieb", "Hosting und Wartung während des Piloten", 2_000_00),
]


async def _selected(call_id) -> list[dict]:
    """The call's teams in the development phase, by challenge and reference."""
    return (
        await Decision.select(
            Decision.submission.as_alias("id"),
            Decision.submission.title.as_alias("title"),
            Decision.submission.challenge.key.as_alias("key"),
            Decision.submission.reference.as_alias("reference"),
        )
        .where((Decision.call == call_id) & (Decision.outcome == "development"))
        .order_by(Decision.submission.reference)
    )


def _offer_row(entry: dict, challenge_id, submitted_at, pilot: bool) -> dict:
    plan = PILOT_PLAN if pilot else PILOT_PLAN[:1] + PILOT_PLAN[3:]
    costs = COSTS if pilot else COSTS[:1]
    total = sum(c[2] for c in costs)
    milestones = [
        {"title": t, "deliverables": d, "month": m, "amount_cents": a} for t, d, m, a in plan
    ]
    if not pilot:  # a smaller offer: the milestones add up to its one cost line
        milestones[-1]["amount_cents"] = total - milestones[0]["amount_cents"]
    return {
        "submission": entry["id"],
        "challenge": challenge_id,
        "version": 2,
        "status": "submitted",
        "scope": f"Pilot „{entry['title']}“ in Leipzig: Aufbau, Betrieb und Übergabe.",
        "goals": "Messbar bessere Wege für Radfahrende und Menschen mit Behinderung.",
        "indicators": "Nutzungszahlen, Zufriedenheit, Verfügbarkeit der Daten.",
        "months": 6,
        "milestones": milestones,
        "costs": [{"category": c, "description": d, "amount_cents": a} for c, d, a in costs],
        "total_cents": total,
        "followup_cents_per_year": 3_000_00,
        "operation": "Betrieb durch das Team im ersten Jahr, danach durch die LVB.",
        "personal_data": "Keine personenbezogenen Daten; nur Belegung der Bügel.",
        "hosting": "Rechenzentrum der Stadt Leipzig (Lecos)",
        "open_source": {
            "intent": pilot,
            "licence": LICENCE if pilot else None,
            "repository_plan": "Öffentliches Repository ab dem ersten Meilenstein."
            if pilot
            else "",
            "ownership": "Der Code gehört dem Team; die Stadt erhält alle Nutzungsrechte.",
        },
        "public_summary": f"{entry['title']}: ein Pilot für Leipzig." if pilot else "",
        "consent_publication": pilot,
        "submitted_at": submitted_at,
        "created_at": submitted_at - timedelta(days=20),
    }


async def _offers(selected: list[dict], challenges: dict, submitted_at, best: dict) -> None:
    """Every team handed in its offer before the deadline (stored as submitted then)."""
    for entry in selected:
        row = _offer_row(entry, challenges[entry["key"]], submitted_at, entry is best)
        row["sha256"] = offers.sha256_of(offers.content_of(row))
        await Offer(**row).save()


async def _pitch(call: dict, selected: list[dict], pitch_at) -> None:
    """The pitch was a second round with the five published criteria; every juror scored."""
    round_ = Round(
        call=call["id"],
        number=2,
        name="Pitch",
        criteria=[
            {"key": key, "name": name, "weight": 1, "scale_min": 0, "scale_max": 10}
            for key, name in (
                ("maturity", "Reifegrad"),
                ("complexity", "Komplexität"),
                ("feasibility", "Umsetzungswahrscheinlichkeit"),
                ("followup_costs", "Erwartete Folgekosten"),
                ("continuation", "Verstetigungspotenzial"),
            )
        ],
        event_at=pitch_at,
        event_place="Digital Campus Leipzig, Kolonnadenstraße 8",
        rubric_frozen_at=pitch_at,
        created_at=pitch_at - timedelta(days=14),
    )
    await round_.save()
    jurors = [j["user"] for j in await Juror.select(Juror.user).where(Juror.call == call["id"])]
    for index, entry in enumerate(selected):
        await RoundEntry(round=round_.id, submission=entry["id"]).save()
        for number, juror in enumerate(jurors[:3]):
            score = max(3, 9 - index - number % 2)
            await Assignment(
                round=round_.id,
                juror=juror,
                submission=entry["id"],
                status="done",
                created_at=pitch_at - timedelta(days=7),
            ).save()
            await Review(
                round=round_.id,
                juror=juror,
                submission=entry["id"],
                scores={key: score for key, _name in rules.PITCH_CRITERIA},
                status="final",
                comment="Überzeugender Pitch.",
                finalized_at=pitch_at + timedelta(hours=2),
            ).save()


async def _pilot(people, call: dict, best: dict, settings, today) -> None:
    """The cycling challenge's pilot: decided, rescheduled (it started four months ago),
    signed, delivered in part; its open-source bonus verified and paid."""
    decision = await pilots.decide(
        people.staff,
        SLUG,
        PilotIn(
            challenge="radverkehr",
            submission_id=best["id"],
            rationale="Reifstes Angebot, geringe Folgekosten, Betrieb durch die LVB gesichert.",
        ),
    )
    pilot = await contracts.get(decision["partnership_id"])
    start = today - timedelta(days=119)
    dues = [pilots.month_end(start, month) for _t, _d, month, _a in PILOT_PLAN]
    pilot = await flow.reschedule(people, pilot, start, pilots.month_end(start, 6), dues)
    await flow.sign(people, pilot["id"], settings)
    milestones = await contracts.milestones_of(pilot["id"])
    team = await flow.actor("alumni01@demo.leipzig.de")
    first, second, bonus = milestones[0], milestones[1], milestones[-1]
    with clock.frozen(at_berlin(today - timedelta(days=85))):  # reported before its review
        await delivery.submit_evidence(
            team, first["id"], None, "Konzept und Datenmodell liegen als PDF und im Repository vor."
        )
    await flow.approve_and_pay(people, first, today - timedelta(days=80), "KASSE-2026-0815")
    await delivery.submit_evidence(
        team, second["id"], None, "Prototyp läuft an fünf Haltestellen; Testbericht folgt."
    )
    with clock.frozen(at_berlin(today - timedelta(days=25))):  # published, then verified
        await delivery.submit_evidence(
            team,
            bonus["id"],
            None,
            "Quellcode veröffentlicht, Version 1.0.",
            {"repository_url": REPOSITORY, "ref": "v1.0.0", "licence": LICENCE},
        )
        await verification.verify(people.staff, bonus["id"])
    await flow.approve_and_pay(people, bonus, today - timedelta(days=20), "KASSE-2026-1107")


async def load_past(settings) -> int:
    """Last year's development phase and pilots; 0 if there is nothing (left) to add."""
    call = await Call.select().output(load_json=True).where(Call.slug == SLUG).first()
    if call is None or await Offer.exists().where(Offer.challenge.call == call["id"]):
        return 0
    selected = await _selected(call["id"])
    if not selected:
        return 0
    people = await flow.cast()
    today = clock.now().astimezone(BERLIN).date()
    results_on = call["closes_at"].astimezone(BERLIN).date() + timedelta(days=40)
    await Call.update({Call.results_published_at: at_berlin(results_on)}).where(
        Call.id == call["id"]
    )
    call = await Call.select().output(load_json=True).where(Call.id == call["id"]).first()
    starts_on, ends_on = rules.default_phase(results_on)
    await set_phase(people.staff, call, PhaseIn(starts_on=starts_on, ends_on=ends_on))
    phase = await phase_of(call)
    await flow.pay_stipends(
        people, call["id"], settings, phase, starts_on + timedelta(days=7), "STIP-2025"
    )
    challenges = {
        row["key"]: row["id"]
        for row in await Challenge.select(Challenge.key, Challenge.id).where(
            Challenge.call == call["id"]
        )
    }
    best = next(e for e in selected if e["key"] == "radverkehr")
    await _offers(selected, challenges, phase["offer_due_at"] - timedelta(days=2), best)
    await _pitch(call, selected, at_berlin(ends_on + timedelta(days=10), 9))
    await _pilot(people, call, best, settings, today)
    await pilots.decide(
        people.staff,
        SLUG,
        PilotIn(
            challenge="barrierefrei",
            submission_id=None,
            rationale="Kein Angebot war reif genug; die Stadt schreibt die Challenge neu aus.",
        ),
    )
    return len(selected)
