"""This year's spring call in the development phase: two challenges, five teams selected (three
and two), results published three weeks ago — its stipends, offers and pitch follow in
:mod:`partnerships.development.demo.phase`."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from challenge import db
from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge, Unit
from challenge.jury import services as jury
from challenge.jury.tables import Assignment, Juror, Review
from challenge.organisations.tables import Membership, Organisation
from challenge.platform import clock
from challenge.platform.accounts.tables import User
from challenge.platform.i18n import BERLIN
from challenge.platform.references import proposal_reference
from challenge.results import decisions, publication
from challenge.submissions.tables import Submission

SLUG = "daseinsvorsorge-2026"
CRITERIA = [
    {"key": "impact", "name": "Nutzen für Leipzig", "weight": 3, "scale_min": 0, "scale_max": 10},
    {"key": "feasibility", "name": "Umsetzbarkeit", "weight": 2, "scale_min": 0, "scale_max": 10},
]
# key, unit, title, problem, contact, mentor
CHALLENGES = [
    (
        "lieferverkehr",
        "Verkehrs- und Tiefbauamt",
        "Lieferverkehr in der Innenstadt entzerren",
        "Lieferfahrzeuge halten in zweiter Reihe, blockieren Radwege und Busspuren. Ladezonen "
        "sind zur falschen Zeit belegt, und niemand weiß, wann welche frei ist.",
        "Henrik Sauer",
        "Sebastian Frank (Digitalstadt-Team)",
    ),
    (
        "spielplaetze",
        "Amt für Stadtgrün und Gewässer",
        "Spielplätze sicher und gepflegt halten",
        "Leipzig hat über 300 Spielplätze. Schäden werden oft erst bei der Jahresprüfung "
        "entdeckt; Meldungen von Eltern kommen per Telefon und gehen verloren.",
        "Katrin Vogel",
        "Sebastian Frank (Digitalstadt-Team)",
    ),
]
# number, challenge key, team, kind, person, title, quality
TEAMS = [
    (
        1,
        "lieferverkehr",
        "LadeZone Live UG",
        "startup",
        "Jonas Richter",
        "Freie Ladezonen in Echtzeit",
        8.6,
    ),
    (
        2,
        "lieferverkehr",
        "Team Cargo-Hub (HTWK)",
        "student_team",
        "Mira Schulz",
        "Mikro-Depots für Lastenräder",
        7.9,
    ),
    (
        3,
        "lieferverkehr",
        "Urbane Logistik Sachsen GmbH",
        "company",
        "Frank Weber",
        "Zeitfenster-Buchung für Lieferungen",
        7.1,
    ),
    (
        4,
        "spielplaetze",
        "SpielRaum Digital e. V.",
        "association",
        "Aylin Kaya",
        "Schäden melden per QR-Code",
        8.2,
    ),
    (
        5,
        "spielplaetze",
        "Prüfprotokoll Pro GmbH",
        "startup",
        "Paul Lehmann",
        "Digitale Spielplatzprüfung mit Fotos",
        7.4,
    ),
]


def at_berlin(day, hour: int = 10) -> datetime:
    """A Leipzig wall-clock time on ``day``, as UTC."""
    return datetime.combine(day, time(hour, 0), tzinfo=BERLIN).astimezone(UTC)


def _call(now: datetime) -> dict:
    today = now.astimezone(BERLIN).date()
    return {
        "slug": SLUG,
        "title": "Smart City Challenge 2026 (Frühjahr): Daseinsvorsorge digital",
        "summary": "Lösungen für Lieferverkehr und Spielplätze – die ausgewählten Teams "
        "arbeiten jetzt in der Entwicklungsphase mit der Stadt an ihren Angeboten.",
        "description": "## Stand\n\nDie Ideenrunde ist abgeschlossen. Drei Teams je Challenge "
        "erhalten ein Stipendium von 2.000 € und erarbeiten mit der Stadt ein Angebot für "
        "einen Piloten; am Pitch-Tag entscheidet die Stadt über höchstens einen Piloten je "
        "Challenge (bis 25.000 €, sechs Monate).",
        "eligibility": "Startups, studentische Teams, Vereine und Unternehmen.",
        "status": "published",
        "categories": ["Mobilität", "Stadtgrün"],
        "questions": [],
        "criteria": CRITERIA,
        "document_rules": {},
        "opens_at": at_berlin(today - timedelta(days=150), 9),
        "closes_at": at_berlin(today - timedelta(days=80), 12),
        "jury_starts_at": at_berlin(today - timedelta(days=78), 9),
        "jury_ends_at": at_berlin(today - timedelta(days=40), 18),
        "results_at": at_berlin(today - timedelta(days=21), 10),
        "budget_cents": 100_000_00,
        "max_award_cents": 25_000_00,
        "awards_planned": 2,
        "published_at": at_berlin(today - timedelta(days=160), 9),
    }


async def _challenges(call_id, now) -> dict:
    ids = {}
    for position, (key, unit, title, problem, contact, mentor) in enumerate(CHALLENGES):
        unit_row = await Unit.select(Unit.id).where(Unit.name == unit).first()
        challenge = Challenge(
            unit=unit_row["id"],
            title=title,
            problem=problem,
            contact_name=contact,
            mentor_name=mentor,
            status="approved",
            call=call_id,
            key=key,
            position=position,
            places=3,
            created_at=now,
        )
        await challenge.save()
        ids[key] = challenge.id
    return ids


async def _entry(call: dict, team: tuple, challenges: dict, password_hash: str, at) -> dict:
    number, key, name, kind, person, title, quality = team
    user = User(
        email=f"team2026-{number}@demo.leipzig.de",
        name=person,
        locale="de",
        password_hash=password_hash,
        email_verified_at=at,
    )
    await user.save()
    organisation = Organisation(name=name, kind=kind, city="Leipzig", created_at=at)
    await organisation.save()
    await Membership(organisation=organisation.id, user=user.id, role="owner", created_at=at).save()
    submission = Submission(
        call=call["id"],
        challenge=challenges[key],
        organisation=organisation.id,
        title=title,
        summary=f"{title}: eine Lösung für die Challenge „{key}“.",
        category=call["categories"][0 if key == "lieferverkehr" else 1],
        answers={},
        status="submitted",
        reference=proposal_reference(2026, 900 + number),
        consent_publication=True,
        submitted_at=at,
        created_by=user.id,
        created_at=at,
    )
    await submission.save()
    return {"id": submission.id, "quality": quality, "key": key}


async def _reviews(call: dict, entries: list[dict], jurors: list, at) -> None:
    round_ = await jury.round_of(call, 1)
    for index, entry in enumerate(entries):
        for offset in range(2):
            juror = jurors[(index + offset) % len(jurors)]
            score = round(entry["quality"] - offset * 0.5)
            await Assignment(
                round=round_["id"],
                juror=juror,
                submission=entry["id"],
                status="done",
                created_at=at,
            ).save()
            await Review(
                round=round_["id"],
                juror=juror,
                submission=entry["id"],
                scores={c["key"]: score for c in CRITERIA},
                status="final",
                comment="Tragfähige Idee; Betrieb nach dem Pilot klären.",
                finalized_at=at + timedelta(days=5),
            ).save()


async def _jurors(call: dict, staff: dict, at) -> list:
    emails = ("m.vogt@htwk.example", "h.lange@dresden.example")
    users = await User.select(User.id, User.email).where(User.email.is_in(list(emails)))
    for user in users:
        await Juror(
            call=call["id"],
            user=user["id"],
            rounds=[1, 2],
            invited_by=staff["id"],
            invited_at=at,
            accepted_at=at,
            declaration_completed_at=at,
        ).save()
    return [u["id"] for u in users]


async def load_current_call(staff_actor, base_url: str) -> dict | None:
    """The spring call with its selected teams and published results; None if it exists."""
    if await Call.exists().where(Call.slug == SLUG):
        return None
    now = clock.now()
    data = _call(now)
    async with db.write_transaction():
        call_row = Call(**data, created_at=now)
        await call_row.save()
    call = await Call.select().output(load_json=True).where(Call.slug == SLUG).first()
    # the teams sign in with the demo's password: the demo team's hash, reused
    password_hash = (
        await User.select(User.password_hash).where(User.email == "team@demo.leipzig.de").first()
    )["password_hash"]
    submitted_at = data["closes_at"] - timedelta(days=1)
    staff = {"id": staff_actor.id}
    async with db.write_transaction():
        challenges = await _challenges(call["id"], now)
        entries = [
            await _entry(call, team, challenges, password_hash, submitted_at) for team in TEAMS
        ]
        jurors = await _jurors(call, staff, submitted_at)
        await _reviews(call, entries, jurors, submitted_at)
    for entry in entries:
        await decisions.set_decision(
            staff_actor,
            call,
            submission_id=entry["id"],
            outcome="development",
            award_cents=0,
            rationale="Überzeugende Idee; das Team erarbeitet mit der Stadt ein Angebot.",
        )
    await Call.update({Call.status: "decided"}).where(Call.id == call["id"])
    call = await Call.select().output(load_json=True).where(Call.id == call["id"]).first()
    await publication.publish_results(staff_actor, call, base_url=base_url)
    await Call.update({Call.results_published_at: data["results_at"]}).where(Call.id == call["id"])
    return await Call.select().output(load_json=True).where(Call.id == call["id"]).first()


async def entry_of(call_id, number: int):
    """The id of the spring call's entry of team ``number``."""
    row = (
        await Submission.select(Submission.id)
        .where(
            (Submission.call == call_id)
            & (Submission.reference == proposal_reference(2026, 900 + number))
        )
        .first()
    )
    return row["id"]
