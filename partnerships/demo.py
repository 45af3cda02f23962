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


async def _winner(call_id) -> dict | None:
    """The past call's largest award, unless it already has a partnership."""
    winner = (
        await Decision.select(Decision.submission, Decision.award_cents)
        .where((Decision.call == call_id) & (Decision.outcome == "winner"))
        .order_by(Decision.award_cents, ascending=False)
        .first()
    )
    if winner is None or await Partnership.exists().where(
        Partnership.submission == winner["submission"]
    ):
        return None
    return winner


def _tranches(total: int) -> list[int]:
    """20 %, 30 %, 30 % and the rest, in cents."""
    tranches = [total // 5, total * 3 // 10, total * 3 // 10]
    return [*tranches, total - sum(tranches)]


def _plan(winner: dict, today, tranches: list[int]) -> PartnershipIn:
    """Four milestones: two in the past, one just due, one ahead."""
    steps = [
        ("Konzept und Datenmodell", "Konzeptpapier, offenes Datenmodell", -140),
        ("Prototyp an fünf Haltestellen", "Sensoren, App-Anbindung, Testbericht", -40),
        ("Nutzerbefragung", "Befragung von 300 Radfahrenden, Auswertung", -10),
        ("Pilotbetrieb an 40 Haltestellen", "Betrieb, Übergabe, Abschlussbericht", 150),
    ]
    return PartnershipIn(
        submission_id=winner["submission"],
        title="Sichere Fahrradbügel an 40 Haltestellen",
        scope="Entwicklung, Pilotbetrieb und Übergabe eines Systems, das freie Fahrradbügel an Haltestellen "
        "der LVB in Echtzeit meldet; offene Schnittstelle und Daten unter freier Lizenz.",
        city_unit="Referat Digitale Stadt",
        start_date=today - timedelta(days=200),
        end_date=today + timedelta(days=180),
        total_cents=winner["award_cents"],
        milestones=[
            MilestoneIn(
                title=title,
                deliverables=deliverables,
                due_date=today + timedelta(days=days),
                amount_cents=amount,
            )
            for (title, deliverables, days), amount in zip(steps, tranches, strict=True)
        ],
    )


async def _deliver(partnership_id, today, tranches: list[int], staff, admin, finance) -> None:
    """The first milestone reviewed and paid, the second submitted and waiting for review."""
    milestones = await services.milestones_of(partnership_id)
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


async def load_demo_partnership(settings, now: datetime | None = None) -> int:
    """Add the demo partnership once; returns how many were added (0 or 1)."""
    call = await Call.select(Call.id).where(Call.slug == SLUG).first()
    winner = await _winner(call["id"]) if call else None
    if winner is None:
        return 0
    today = (now or clock.now()).date()
    staff, admin, finance = (
        await _actor("staff@demo.leipzig.de", "staff"),
        await _actor("admin@demo.leipzig.de", "admin"),
        await _actor("finance@demo.leipzig.de", "finance"),
    )
    tranches = _tranches(winner["award_cents"])
    partnership = await services.create(staff, _plan(winner, today, tranches))
    storage = storage_from_settings(settings)
    await services.send(staff, partnership["id"], storage=storage, settings=settings)
    document = await services.contract_document(staff, partnership["id"])
    # the demo signs with the issued PDF itself
    await signing.signed_copy(staff, partnership["id"], document)
    await _deliver(partnership["id"], today, tranches, staff, admin, finance)
    return 1
