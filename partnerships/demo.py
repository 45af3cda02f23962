"""Demo partnership for the past call's first winner: one milestone paid, one submitted and
waiting for review, one overdue, one still ahead (idempotent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from challenge.calls.tables import Call
from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.tables import User
from challenge.platform.storage import storage_from_settings
from challenge.results.tables import Decision
from partnerships.contracts import services, signing
from partnerships.contracts.schemas import MilestoneIn, PartnershipIn
from partnerships.milestones import payments
from partnerships.milestones import services as delivery
from partnerships.tables import Partnership

SLUG = "mobilitaet-2025"


async def _actor(email: str, role: str) -> CurrentUser:
    row = await User.select().where(User.email == email).first()
    return CurrentUser(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        locale="de",
        affiliation="",
        roles=frozenset({role}),
    )


async def load_demo_partnership(settings, now: datetime | None = None) -> int:
    """Add the demo partnership once; returns how many were added (0 or 1)."""
    call = await Call.select(Call.id).where(Call.slug == SLUG).first()
    if call is None:
        return 0
    winner = (
        await Decision.select(Decision.submission, Decision.award_cents)
        .where((Decision.call == call["id"]) & (Decision.outcome == "winner"))
        .order_by(Decision.award_cents, ascending=False)
        .first()
    )
    if winner is None or await Partnership.exists().where(
        Partnership.submission == winner["submission"]
    ):
        return 0
    today = (now or clock.now()).date()
    staff, admin, finance = (
        await _actor("staff@demo.leipzig.de", "staff"),
        await _actor("admin@demo.leipzig.de", "admin"),
        await _actor("finance@demo.leipzig.de", "finance"),
    )
    total = winner["award_cents"]
    tranches = [total // 5, total * 3 // 10, total * 3 // 10]
    tranches.append(total - sum(tranches))
    plan = PartnershipIn(
        submission_id=winner["submission"],
        title="Sichere Fahrradbügel an 40 Haltestellen",
        scope="Entwicklung, Pilotbetrieb und Übergabe eines Systems, das freie Fahrradbügel an Haltestellen "
        "der LVB in Echtzeit meldet; offene Schnittstelle und Daten unter freier Lizenz.",
        city_unit="Referat Digitale Stadt",
        start_date=today - timedelta(days=200),
        end_date=today + timedelta(days=180),
        total_cents=total,
        milestones=[
            MilestoneIn(
                title="Konzept und Datenmodell",
                deliverables="Konzeptpapier, offenes Datenmodell",
                due_date=today - timedelta(days=140),
                amount_cents=tranches[0],
            ),
            MilestoneIn(
                title="Prototyp an fünf Haltestellen",
                deliverables="Sensoren, App-Anbindung, Testbericht",
                due_date=today - timedelta(days=40),
                amount_cents=tranches[1],
            ),
            MilestoneIn(
                title="Nutzerbefragung",
                deliverables="Befragung von 300 Radfahrenden, Auswertung",
                due_date=today - timedelta(days=10),
                amount_cents=tranches[2],
            ),
            MilestoneIn(
                title="Pilotbetrieb an 40 Haltestellen",
                deliverables="Betrieb, Übergabe, Abschlussbericht",
                due_date=today + timedelta(days=150),
                amount_cents=tranches[3],
            ),
        ],
    )
    partnership = await services.create(staff, plan)
    storage = storage_from_settings(settings)
    await services.send(staff, partnership["id"], storage=storage, settings=settings)
    document = await services.contract_document(staff, partnership["id"])
    await signing.signed_copy(
        staff, partnership["id"], document
    )  # the demo signs with the issued PDF itself
    milestones = await services.milestones_of(partnership["id"])
    team = await User.select().where(User.email == "alumni01@demo.leipzig.de").first()
    partner = CurrentUser(
        id=team["id"], email=team["email"], name=team["name"], locale=team["locale"], affiliation=""
    )
    first, second = milestones[0]["id"], milestones[1]["id"]
    await delivery.submit_evidence(
        partner, first, None, "Konzept und Datenmodell liegen als PDF und im Repository vor."
    )
    await delivery.review(staff, first, "approve", "")
    await delivery.review(admin, first, "approve", "")
    await payments.record_payment(
        finance,
        first,
        amount_cents=tranches[0],
        paid_on=today - timedelta(days=120),
        reference="KASSE-2026-0815",
    )
    await delivery.submit_evidence(
        partner, second, None, "Prototyp läuft an fünf Haltestellen; Testbericht folgt im Anhang."
    )
    return 1
