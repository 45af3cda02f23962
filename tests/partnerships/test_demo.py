"""The demo's development phase and pilots (issue 18): last year's call complete through its
pilots, this year's spring call in the development phase."""

import json

from challenge.calls.tables import Call
from challenge.demo import load_demo
from challenge.platform.i18n import BERLIN
from partnerships.contracts import services
from partnerships.development.tables import Offer, PilotDecision, PitchEvent, PitchSlot
from partnerships.tables import Partnership


async def test_last_years_open_source_pilot_runs_with_its_bonus_paid(app, settings):
    await load_demo(settings=settings)
    pilot = (
        await Partnership.select()
        .where(
            (Partnership.title == "Sichere Fahrradbügel mit Belegungsanzeige")
            & (Partnership.kind == "pilot")
        )
        .first()
    )
    assert pilot["status"] == "active" and pilot["signed_sha256"]
    milestones = await services.milestones_of(pilot["id"])
    assert [(m["kind"], m["status"]) for m in milestones] == [
        ("regular", "paid"),
        ("regular", "submitted"),
        ("regular", "planned"),
        ("regular", "planned"),
        ("open_source_bonus", "paid"),
    ]
    assert [m["overdue"] for m in milestones] == [False, False, True, False, False]
    assert json.loads(milestones[-1]["verification"])["osi_approved"] is True
    assert sum(m["amount_cents"] for m in milestones) == pilot["total_cents"] == 35_000_00
    decisions = (
        await PilotDecision.select(
            PilotDecision.challenge.key.as_alias("key"), PilotDecision.submission
        )
        .where(PilotDecision.call == pilot["call"])
        .order_by(PilotDecision.challenge.key)
    )
    assert [(d["key"], d["submission"] is not None) for d in decisions] == [
        ("barrierefrei", False),
        ("radverkehr", True),
    ]


async def test_this_years_call_is_in_the_development_phase(app, settings):
    await load_demo(settings=settings)
    spring = await Call.select(Call.id).where(Call.slug == "daseinsvorsorge-2026").first()
    stipends = await Partnership.select(Partnership.status).where(
        (Partnership.call == spring["id"]) & (Partnership.kind == "stipend")
    )
    assert [s["status"] for s in stipends] == ["completed"] * 5  # paid in full
    offers = await Offer.select(Offer.status).where(Offer.challenge.call == spring["id"])
    assert sorted(o["status"] for o in offers) == ["draft"] * 3
    event = await PitchEvent.select().where(PitchEvent.call == spring["id"]).first()
    assert event["starts_at"].astimezone(BERLIN).strftime("%A %H:%M") == "Thursday 09:00"
    assert await PitchSlot.count().where(PitchSlot.event == event["id"]) == 5


async def test_the_demo_loads_once(app, settings):
    await load_demo(settings=settings)
    count = await Partnership.count()
    await load_demo(settings=settings)
    assert await Partnership.count() == count
