"""Demo challenges: three city units pose the open call's challenges, two posed last year's;
each unit has a demo member (idempotent)."""

from __future__ import annotations

from challenge import db
from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge, ChallengeEvent, Unit, UnitMember
from challenge.platform import clock
from challenge.platform.accounts.services import create_verified_user
from challenge.platform.accounts.tables import User

# unit, kind, member e-mail, member name
UNITS = [
    ("Amt für Stadtgrün und Gewässer", "city_office", "stadtgruen@demo.leipzig.de", "Katrin Vogel"),
    ("Gesundheitsamt Leipzig", "city_office", "gesundheit@demo.leipzig.de", "Dr. Ralf Neumann"),
    ("Leipziger Wasserwerke", "municipal_company", "wasserwerke@demo.leipzig.de", "Birgit Lange"),
    ("Verkehrs- und Tiefbauamt", "city_office", "verkehr@demo.leipzig.de", "Henrik Sauer"),
    ("Leipziger Verkehrsbetriebe", "municipal_company", "lvb@demo.leipzig.de", "Nadine Roth"),
]
OPEN_SLUG = "klimaanpassung-im-quartier"
PAST_SLUG = "mobilitaet-2025"

# call slug, key, unit, title, problem, affected, outcome, contact, mentor, datasets, extra
CHALLENGES = [
    (
        OPEN_SLUG,
        "stadtbaeume",
        "Amt für Stadtgrün und Gewässer",
        "Stadtbäume im Trockenstress früh erkennen",
        "Leipzig verliert jedes Jahr Hunderte Straßenbäume an Trockenheit. Gegossen wird nach "
        "Plan, nicht nach Bedarf – welche Bäume gerade leiden, sieht niemand rechtzeitig.",
        "Anwohnende, Baumpatinnen und -paten, die Baumpflege des Amtes",
        "Gießen dort, wo es nötig ist: weniger tote Jungbäume, gezielter Einsatz von Wasser.",
        "Katrin Vogel",
        "Sebastian Frank (Digitalstadt-Team)",
        [
            ("Baumkataster Leipzig", "https://opendata.leipzig.de/dataset/baumkataster"),
            ("Gießpatenschaften", "https://opendata.leipzig.de/dataset/giesspatenschaften"),
        ],
    ),
    (
        OPEN_SLUG,
        "hitzewarnung",
        "Gesundheitsamt Leipzig",
        "Hitzewarnung, die ältere Menschen erreicht",
        "Bei Hitzewellen sind Menschen über 75 besonders gefährdet. Warnungen des Wetterdienstes "
        "erreichen sie oft nicht – oder nicht so, dass sie handeln.",
        "Ältere Menschen, Pflegedienste, Angehörige, Nachbarschaftshilfen",
        "Gefährdete Menschen erfahren rechtzeitig von Hitze und wissen, wo es kühle Orte gibt.",
        "Dr. Ralf Neumann",
        "Sebastian Frank (Digitalstadt-Team)",
        [("Kühle Orte in Leipzig", "https://opendata.leipzig.de/dataset/kuehle-orte")],
    ),
    (
        OPEN_SLUG,
        "starkregen",
        "Leipziger Wasserwerke",
        "Starkregen sichtbar machen, bevor der Keller vollläuft",
        "Starkregen überlastet die Kanalisation in Minuten. Wo sich Wasser sammelt, wissen "
        "Anwohnende und Hausverwaltungen meist erst, wenn es zu spät ist.",
        "Hausverwaltungen, Anwohnende in Senken, Feuerwehr",
        "Frühe Warnung und gezielte Vorsorge an den Stellen, die wirklich gefährdet sind.",
        "Birgit Lange",
        "",
        [("Starkregengefahrenkarte", "https://opendata.leipzig.de/dataset/starkregen")],
    ),
    (
        PAST_SLUG,
        "radverkehr",
        "Verkehrs- und Tiefbauamt",
        "Sicher Rad fahren und parken",
        "Fahrräder stehen ungesichert, Radwege enden abrupt. Das hält viele vom Rad fern.",
        "Radfahrende, Pendelnde, Schulkinder",
        "Mehr Wege mit dem Rad, weniger Diebstahl.",
        "Henrik Sauer",
        "",
        [("Radverkehrsnetz", "https://opendata.leipzig.de/dataset/radverkehrsnetz")],
    ),
    (
        PAST_SLUG,
        "barrierefrei",
        "Leipziger Verkehrsbetriebe",
        "Barrierefrei unterwegs mit Bus und Bahn",
        "Ausgefallene Aufzüge und fehlende Informationen machen Wege für Menschen mit "
        "Behinderung unplanbar.",
        "Menschen mit Behinderung, Eltern mit Kinderwagen, Ältere",
        "Verlässliche Information über barrierefreie Wege in Echtzeit.",
        "Nadine Roth",
        "",
        [("Haltestellen der LVB", "https://opendata.leipzig.de/dataset/lvb-haltestellen")],
    ),
]


async def _unit(name: str, kind: str, email: str, person: str, password: str) -> dict:
    unit = await Unit.select().where(Unit.name == name).first()
    if unit is None:
        created = Unit(name=name, kind=kind, created_at=clock.now())
        await created.save()
        unit = {"id": created.id, "name": name}
    if not await User.exists().where(User.email == email):
        await create_verified_user(email, person, password, "applicant")
    user = await User.select(User.id).where(User.email == email).first()
    if not await UnitMember.exists().where(
        (UnitMember.unit == unit["id"]) & (UnitMember.user == user["id"])
    ):
        await UnitMember(unit=unit["id"], user=user["id"], created_at=clock.now()).save()
    return unit


async def load_demo_challenges(password: str) -> int:
    """Units with a member each, and the challenges of the open and the past call."""
    units = {}
    for name, kind, email, person in UNITS:
        units[name] = await _unit(name, kind, email, person, password)
    added = 0
    for position, item in enumerate(CHALLENGES):
        slug, key, unit, title, problem, affected, outcome, contact, mentor, datasets = item
        call = await Call.select(Call.id).where(Call.slug == slug).first()
        if call is None or await Challenge.exists().where(
            (Challenge.call == call["id"]) & (Challenge.key == key)
        ):
            continue
        async with db.write_transaction():
            challenge = Challenge(
                unit=units[unit]["id"],
                title=title,
                problem=problem,
                affected=affected,
                outcome=outcome,
                contact_name=contact,
                mentor_name=mentor,
                offer={
                    "datasets": [{"title": t, "url": u} for t, u in datasets],
                    "infrastructure": "Testflächen im Leipziger Osten nach Absprache",
                    "staff_access": "Zwei Arbeitstermine mit der Fachabteilung im Monat",
                },
                constraints="Datenschutz nach DSGVO; Betrieb nach dem Pilot ist zu klären.",
                status="approved",
                call=call["id"],
                key=key,
                position=position,
                created_at=clock.now(),
            )
            await challenge.save()
            await ChallengeEvent(
                challenge=challenge.id, action="approve", comment="", created_at=clock.now()
            ).save()
        added += 1
    return added
