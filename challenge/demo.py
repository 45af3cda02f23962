"""Demo data: realistic, German, and idempotent (loading twice changes nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from challenge import db
from challenge.calls.tables import Call
from challenge.platform import clock
from challenge.platform.accounts.services import create_verified_user
from challenge.platform.accounts.tables import User
from challenge.platform.domains import each
from challenge.platform.i18n import BERLIN

DEMO_PASSWORD = "Leipzig-Demo-2026"

DEMO_USERS = [
    ("staff@demo.leipzig.de", "Sabine Krüger (Referat Digitale Stadt)", "staff"),
    ("finance@demo.leipzig.de", "Thomas Wendt (Stadtkämmerei)", "finance"),
    ("admin@demo.leipzig.de", "Admin Portal", "admin"),
    ("team@demo.leipzig.de", "Lena Hoffmann (Team KlimaGrün)", "applicant"),
]

RUBRIC = [
    {
        "key": "impact",
        "name": "Nutzen für Leipzig",
        "weight": 3,
        "scale_min": 0,
        "scale_max": 10,
        "description": "Wie stark verbessert die Lösung das Leben in der Stadt?",
    },
    {"key": "innovation", "name": "Innovationsgrad", "weight": 2, "scale_min": 0, "scale_max": 10},
    {"key": "feasibility", "name": "Umsetzbarkeit", "weight": 2, "scale_min": 0, "scale_max": 10},
    {"key": "team", "name": "Team und Kompetenz", "weight": 1, "scale_min": 0, "scale_max": 10},
    {
        "key": "openness",
        "name": "Offenheit (Open Source, offene Daten)",
        "weight": 1,
        "scale_min": 0,
        "scale_max": 10,
    },
]

QUESTIONS = [
    {
        "key": "problem",
        "label": "Welches Problem der Stadt lösen Sie?",
        "type": "long_text",
        "required": True,
        "max_length": 3000,
    },
    {
        "key": "pilot",
        "label": "Wo in Leipzig möchten Sie pilotieren?",
        "type": "text",
        "required": False,
        "max_length": 300,
    },
    {
        "key": "licence",
        "label": "Unter welcher Lizenz veröffentlichen Sie den Code?",
        "type": "choice",
        "required": True,
        "choices": ["EUPL-1.2", "MIT", "Apache-2.0", "andere"],
    },
    {
        "key": "presentation",
        "label": "Präsentation als PDF (höchstens 10 MB, etwa 15 Folien: Team, Lösung, Kosten der "
        "Gesamtumsetzung, Pilotkonzept im Pilotbudget, Referenzen) – unter „Dateien“ hochladen",
        "type": "file",
        "required": False,
    },
]

# The real call: the application is a PDF presentation of at most 10 MB (about 15 slides),
# optionally with extras (images, further PDFs).
DOCUMENT_RULES = {
    "max_files": 4,
    "max_bytes": 10 * 1024 * 1024,
    "allowed_types": ["application/pdf", "image/png", "image/jpeg"],
}


def _berlin(day: datetime, hour: int = 12) -> datetime:
    """A Berlin wall-clock time on the given day, as UTC."""
    local = datetime.combine(day.astimezone(BERLIN).date(), time(hour, 0), tzinfo=BERLIN)
    return local.astimezone(UTC)


def _open_call(now: datetime) -> dict:
    """The open call: it stays open relative to today."""
    return {
        "slug": "klimaanpassung-im-quartier",
        "title": "Smart City Challenge 2026: Klimaanpassung im Quartier",
        "summary": "Digitale Lösungen, die Leipzigs Quartiere auf Hitze, Starkregen und "
        "Trockenheit vorbereiten – von Sensorik für Stadtbäume bis zur Hitzewarnung.",
        "description": (
            "## Worum es geht\n\n"
            "Leipzig wird wärmer. In dicht bebauten Quartieren wie Volkmarsdorf oder dem "
            "Leipziger Osten leiden Menschen und Bäume besonders unter Hitze.\n\n"
            "Wir suchen **digitale Lösungen**, die\n\n"
            "- Hitzeinseln und Trockenstress sichtbar machen,\n"
            "- Bürgerinnen und Bürger rechtzeitig warnen,\n"
            "- der Verwaltung helfen, Grün- und Wasserflächen gezielt zu planen.\n\n"
            "## Was wir bieten\n\n"
            "Die besten Teams erhalten eine **Entwicklungspartnerschaft** mit der Stadt: "
            "bis zu 60.000 € je Projekt, ausgezahlt in Tranchen nach Meilensteinen, "
            "und einen Pilotstandort in Leipzig."
        ),
        "eligibility": (
            "Teilnehmen können Startups, studentische Teams und Forschungsgruppen mit "
            "Sitz oder Projektbezug in Sachsen. Der entwickelte Code wird unter einer "
            "offenen Lizenz veröffentlicht."
        ),
        "status": "published",
        "categories": ["Hitze und Gesundheit", "Wasser und Starkregen", "Stadtgrün"],
        "questions": QUESTIONS,
        "criteria": RUBRIC,
        "document_rules": DOCUMENT_RULES,
        "opens_at": _berlin(now - timedelta(days=30), 9),
        "closes_at": _berlin(now + timedelta(days=45), 12),
        "jury_starts_at": _berlin(now + timedelta(days=47), 9),
        "jury_ends_at": _berlin(now + timedelta(days=75), 18),
        "results_at": _berlin(now + timedelta(days=90), 10),
        "budget_cents": 180_000_00,
        "max_award_cents": 60_000_00,
        "awards_planned": 3,
    }


def _past_call(now: datetime) -> dict:
    """Last year's call, with its results published."""
    return {
        "slug": "mobilitaet-2025",
        "title": "Smart City Challenge 2025: Mobilität für alle",
        "summary": "Barrierefreie und nachhaltige Mobilität in Leipzig – "
        "vom Fahrradparken bis zur Echtzeit-Information für Menschen mit Behinderung.",
        "description": "## Rückblick\n\nDie Challenge 2025 ist abgeschlossen.",
        "eligibility": "Startups, studentische Teams und Forschungsgruppen.",
        "status": "results_published",
        "categories": ["Radverkehr", "Barrierefreiheit", "ÖPNV"],
        "questions": QUESTIONS[:1],
        "criteria": RUBRIC,
        "document_rules": DOCUMENT_RULES,
        "opens_at": _berlin(now - timedelta(days=400), 9),
        "closes_at": _berlin(now - timedelta(days=330), 12),
        "budget_cents": 150_000_00,
        "max_award_cents": 50_000_00,
        "awards_planned": 3,
    }


def _upcoming_call(now: datetime) -> dict:
    """Next year's call, not open yet."""
    return {
        "slug": "verwaltung-digital-2027",
        "title": "Smart City Challenge 2027: Verwaltung einfach digital",
        "summary": "Ideen, die Leipzigs Bürgerservices schneller, einfacher und "
        "barrierefreier machen.",
        "description": "## Vorschau\n\nDer Aufruf öffnet im kommenden Jahr.",
        "eligibility": "Startups, studentische Teams und Forschungsgruppen.",
        "status": "published",
        "categories": ["Bürgerservice", "Open Data"],
        "questions": QUESTIONS[:1],
        "criteria": RUBRIC,
        "document_rules": DOCUMENT_RULES,
        "opens_at": _berlin(now + timedelta(days=120), 9),
        "closes_at": _berlin(now + timedelta(days=200), 12),
        "budget_cents": 200_000_00,
        "max_award_cents": 70_000_00,
        "awards_planned": 3,
    }


def demo_calls(now: datetime) -> list[dict]:
    """The open call stays open relative to today, so the demo works whenever it is loaded."""
    return [_open_call(now), _past_call(now), _upcoming_call(now)]


async def load_demo(
    now: datetime | None = None, base_url: str = "http://127.0.0.1:8000", settings=None
) -> dict[str, int]:
    """Insert what is missing of the demo data; return how many rows were added per kind."""
    from challenge.demo_challenges import load_demo_challenges
    from challenge.demo_jury import load_demo_jury
    from challenge.demo_results import load_demo_results
    from challenge.demo_submissions import load_demo_submissions

    now = now or clock.now()
    added = {
        "users": 0,
        "calls": 0,
        "challenges": 0,
        "proposals": 0,
        "jurors": 0,
        "past entries": 0,
    }
    for email, name, role in DEMO_USERS:
        if not await User.exists().where(User.email == email):
            await create_verified_user(email, name, DEMO_PASSWORD, role)
            added["users"] += 1
    for data in demo_calls(now):
        if await Call.exists().where(Call.slug == data["slug"]):
            continue
        async with db.write_transaction():
            await Call(**data, published_at=data["opens_at"] - timedelta(days=14)).save()
        added["calls"] += 1
    added["challenges"] = await load_demo_challenges(DEMO_PASSWORD)
    added["proposals"] = await load_demo_submissions(DEMO_PASSWORD, base_url)
    added["jurors"] = await load_demo_jury(DEMO_PASSWORD, base_url)
    added["past entries"] = await load_demo_results(DEMO_PASSWORD, base_url)
    if (
        settings is not None
    ):  # the domains' own demo data may issue documents: they need the storage
        for domain, demo in each("demo"):
            added[domain.name] = await demo(settings)
    return added
