"""Demo proposals for the open call: a dozen German teams, most submitted, some drafts."""

from __future__ import annotations

from challenge.calls.tables import Call
from challenge.organisations.tables import Membership, Organisation
from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.passwords import hash_password
from challenge.platform.accounts.tables import User
from challenge.submissions import drafts, services, submitting
from challenge.submissions.schemas import SubmissionIn

TEAMS = [
    (
        "KlimaGrün GmbH",
        "startup",
        "Lena Hoffmann",
        "Baumpaten-App mit Bodenfeuchte-Sensoren",
        "Hitze und Gesundheit",
        "Sensoren an 200 Stadtbäumen melden Trockenstress; Anwohnende übernehmen Gießpatenschaften per App.",
        True,
    ),
    (
        "HitzeAlarm Leipzig UG",
        "startup",
        "Murat Yilmaz",
        "Hitzewarnung per SMS für ältere Menschen",
        "Hitze und Gesundheit",
        "Ein Warndienst, der Seniorinnen und Senioren bei Hitzewellen anruft und kühle Orte in der Nähe nennt.",
        True,
    ),
    (
        "Team Schwammstadt (HTWK)",
        "student_team",
        "Clara Nguyen",
        "Digitaler Zwilling für Regenwasser",
        "Wasser und Starkregen",
        "Wir simulieren Starkregen im Leipziger Osten und zeigen, wo Entsiegelung am meisten hilft.",
        True,
    ),
    (
        "Uni Leipzig – AG Stadtklima",
        "research_group",
        "Dr. Jonas Weber",
        "Kühle Wege: Routenplaner mit Schattenkarte",
        "Hitze und Gesundheit",
        "Eine offene Schattenkarte aus Luftbildern, die Fußwege nach Temperatur plant.",
        True,
    ),
    (
        "Regenreich eG",
        "company",
        "Petra Schulz",
        "Zisternen-Netzwerk für Kleingärten",
        "Wasser und Starkregen",
        "Vernetzte Zisternen speichern Starkregen und geben ihn in Trockenphasen an Kleingärten ab.",
        True,
    ),
    (
        "GrünDach Kollektiv",
        "other",
        "Ali Rahimi",
        "Förderlotse für Dachbegrünung",
        "Stadtgrün",
        "Ein Assistent, der Hauseigentümern Förderungen und Statik-Checks für Gründächer zeigt.",
        True,
    ),
    (
        "Team Kühlinseln (Uni)",
        "student_team",
        "Sophie Becker",
        "Kühlinseln-Finder für Schulen",
        "Hitze und Gesundheit",
        "Schulen melden Temperaturen in Klassenräumen; die Karte zeigt, wo Verschattung zuerst nötig ist.",
        True,
    ),
    (
        "AquaSense Startup",
        "startup",
        "Tim Krause",
        "Sensornetz für Kellerüberflutung",
        "Wasser und Starkregen",
        "Günstige Funksensoren warnen Hausverwaltungen vor Wasser im Keller während Starkregen.",
        True,
    ),
    (
        "Stadtbaum Lab",
        "research_group",
        "Prof. Anna Lehmann",
        "KI-Prognose für Baumgesundheit",
        "Stadtgrün",
        "Aus Satellitendaten und Gießprotokollen prognostizieren wir, welche Bäume Hilfe brauchen.",
        True,
    ),
    (
        "Leipziger Gartenrebellen",
        "other",
        "Jana Wolf",
        "Pflanzbörse für Hinterhöfe",
        "Stadtgrün",
        "Eine Tauschbörse für klimaresistente Pflanzen, verknüpft mit Hofbegrünungs-Aktionen.",
        False,
    ),
    (
        "NachtKühle UG",
        "startup",
        "Felix Braun",
        "Nachtlüftungs-Assistent für Wohnungen",
        "Hitze und Gesundheit",
        "Ein Sensor sagt Mieterinnen und Mietern, wann Lüften in Hitzenächten wirklich kühlt.",
        False,
    ),
    (
        "Team Blaugrün (HTWK)",
        "student_team",
        "Lea Richter",
        "Blau-grüne Straßen planen",
        "Wasser und Starkregen",
        "Ein Werkzeug für Planungsämter, das Mulden, Rigolen und Bäume gemeinsam dimensioniert.",
        False,
    ),
]


# Each category of the open call answers one of its challenges; Stadtgrün has only two
# submitted proposals, so that challenge cannot fill its three places.
CHALLENGE_OF = {
    "Hitze und Gesundheit": "hitzewarnung",
    "Wasser und Starkregen": "starkregen",
    "Stadtgrün": "stadtbaeume",
}


async def load_demo_submissions(password: str, base_url: str) -> int:
    """Teams and proposals for the open demo call (idempotent); returns how many were added."""
    call = (
        await Call.select()
        .output(load_json=True)
        .where(Call.slug == "klimaanpassung-im-quartier")
        .first()
    )
    if call is None or await services.Submission.exists().where(
        services.Submission.call == call["id"]
    ):
        return 0
    password_hash = hash_password(password)  # one hash for all demo teams: fast to load
    added = 0
    for number, (team, kind, person, title, category, summary, submit) in enumerate(TEAMS, 1):
        now = clock.now()
        user = User(
            email=f"team{number:02d}@demo.leipzig.de",
            name=person,
            password_hash=password_hash,
            email_verified_at=now,
        )
        await user.save()
        organisation = Organisation(name=team, kind=kind, city="Leipzig", created_at=now)
        await organisation.save()
        await Membership(
            organisation=organisation.id, user=user.id, role="owner", created_at=now
        ).save()
        actor = CurrentUser(id=user.id, email=user.email, name=person, locale="de", affiliation="")
        answers = {"problem": summary, "pilot": "Leipziger Osten", "licence": "EUPL-1.2"}
        row = await drafts.create_draft(
            actor,
            call,
            SubmissionIn(
                organisation_id=organisation.id,
                title=title,
                summary=summary,
                category=category,
                answers=answers,
                challenge=CHALLENGE_OF[category],
            ),
        )
        if submit:
            await submitting.submit(actor, row["id"], consent=number % 3 != 0, base_url=base_url)
        added += 1
    return added
