"""Demo results for the past call: teams, a jury's final reviews, decisions within the budget
and published results (mails go to the spool like any other)."""

from __future__ import annotations

import random
from datetime import timedelta

from challenge import db
from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge
from challenge.demo_jury import JURORS
from challenge.jury import services as jury
from challenge.jury.tables import Assignment, Juror, Review
from challenge.organisations.tables import Membership, Organisation
from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.passwords import hash_password
from challenge.platform.accounts.tables import User
from challenge.platform.references import proposal_reference
from challenge.results import decisions, publication
from challenge.results.ranking import ReviewScores, rank
from challenge.submissions.tables import Submission

SLUG = "mobilitaet-2025"
# team, kind, person, locale, title, summary, consent to publish, true quality (0–10)
TEAMS = [
    (
        "RadParken Leipzig GmbH",
        "startup",
        "Jonas Keller",
        "de",
        "Sichere Fahrradbügel mit Belegungsanzeige",
        "Fahrradbügel an Haltestellen melden freie Plätze in Echtzeit an die LVB-App.",
        True,
        8.4,
    ),
    (
        "Team BarriereFrei (Uni Leipzig)",
        "student_team",
        "Amira Haddad",
        "en",
        "Echtzeit-Aufzugsstatus für Haltestellen",
        "Ausgefallene Aufzüge erscheinen sofort in der Fahrplanauskunft, mit barrierefreier Umleitung.",
        True,
        8.1,
    ),
    (
        "MoveData eG",
        "company",
        "Kerstin Baum",
        "de",
        "Offene Pendlerdaten für Quartiere",
        "Anonymisierte Pendelströme als offene Daten, damit Quartiere ihre Mobilität planen können.",
        True,
        7.2,
    ),
    (
        "Lastenrad-Kollektiv Connewitz",
        "other",
        "Paul Richter",
        "de",
        "Lastenräder für alle",
        "Ein Verleihnetz für Lastenräder mit Buchung per App und Stationen in jedem Stadtteil.",
        True,
        6.8,
    ),
    (
        "HTWK Verkehrslabor",
        "research_group",
        "Dr. Ines Hartmann",
        "de",
        "Ampeln, die Zeit geben",
        "Ampelphasen verlängern sich für Menschen mit Gehbehinderung per Smartphone-Signal.",
        False,
        6.1,
    ),
    (
        "ÖPNV+ UG",
        "startup",
        "Samuel Otto",
        "en",
        "Rufbus für Randlagen",
        "Ein Rufbus-Dienst für Ortsteile ohne dichten Takt, gebucht per Telefon oder App.",
        False,
        5.4,
    ),
    (
        "Team Schulweg (HTWK)",
        "student_team",
        "Mia Fuchs",
        "de",
        "Sichere Schulwege-Karte",
        "Kinder und Eltern melden gefährliche Stellen; die Stadt sieht sie auf einer Karte.",
        False,
        4.9,
    ),
    (
        "Sharing Süd GmbH",
        "company",
        "Oliver Brandt",
        "de",
        "E-Scooter-Parkzonen-Planer",
        "Ein Werkzeug, das Parkzonen für Leihroller aus Nutzungsdaten vorschlägt.",
        False,
        4.2,
    ),
]
# the challenge each alumni team answered, in TEAMS order
CHALLENGE_KEYS = [
    "radverkehr",
    "barrierefrei",
    "radverkehr",
    "radverkehr",
    "barrierefrei",
    "barrierefrei",
    "radverkehr",
    "radverkehr",
]
PLACES = 3  # the best three ideas per challenge enter the development phase
RATIONALES = {
    "development": "Überzeugende Idee mit klarem Nutzen für Leipzig; das Team erarbeitet in der "
    "Entwicklungsphase mit der Stadt die Bedingungen für einen Piloten.",
    "winner": "Hoher Nutzen für Leipzig, überzeugendes Team und ein realistischer Pilot im nächsten Jahr.",
    "runner_up": "Starker Ansatz mit offenen Daten; die Jury empfiehlt eine Partnerschaft mit kleinerem Umfang.",
    "shortlisted": "",
    "not_selected": "",
}


def _staff_actor(staff: dict) -> CurrentUser:
    return CurrentUser(
        id=staff["id"],
        email=staff["email"],
        name=staff["name"],
        locale="de",
        affiliation="",
        roles=frozenset({"staff"}),
    )


async def _jurors(call: dict, staff: dict, password_hash: str, rng, at) -> list[tuple]:
    """The four jurors of last year (accounts made when missing), each with a leniency."""
    jurors = []
    for email, name, affiliation, _expertise in JURORS:
        user = await User.select(User.id).where(User.email == email).first()
        if user is None:
            user = {
                "id": (
                    await User.insert(
                        User(
                            email=email,
                            name=name,
                            affiliation=affiliation,
                            password_hash=password_hash,
                            email_verified_at=clock.now(),
                        )
                    ).returning(User.id)
                )[0]["id"]
            }
        await Juror(
            call=call["id"],
            user=user["id"],
            invited_by=staff["id"],
            invited_at=at,
            accepted_at=at,
            declaration_completed_at=at,
        ).save()
        jurors.append((user["id"], rng.uniform(-1.2, 1.2)))
    return jurors


async def _entry(
    call: dict, number: int, team: tuple, password_hash: str, at, challenges: dict
) -> Submission:
    """One alumni team with its owner and its submitted proposal (to its challenge)."""
    name, kind, person, locale, title, summary, consent, _quality = team
    user = User(
        email=f"alumni{number:02d}@demo.leipzig.de",
        name=person,
        locale=locale,
        password_hash=password_hash,
        email_verified_at=at,
    )
    await user.save()
    organisation = Organisation(name=name, kind=kind, city="Leipzig", created_at=at)
    await organisation.save()
    await Membership(organisation=organisation.id, user=user.id, role="owner", created_at=at).save()
    submission = Submission(
        call=call["id"],
        challenge=challenges.get(CHALLENGE_KEYS[number - 1]),
        organisation=organisation.id,
        title=title,
        summary=summary,
        category=call["categories"][number % len(call["categories"])],
        answers={"problem": summary},
        status="submitted",
        reference=proposal_reference(2025, number),
        consent_publication=consent,
        submitted_at=at,
        created_by=user.id,
        created_at=at,
    )
    await submission.save()
    return submission


async def _reviews(call, round_, submission, number, quality, jurors, rng, at) -> None:
    """Three of the four jurors per entry, rotating, score around the entry's quality."""
    for offset in range(3):
        juror, leniency = jurors[(number + offset) % len(jurors)]
        scores = {
            c["key"]: max(
                c["scale_min"],
                min(c["scale_max"], round(quality + leniency + rng.gauss(0, 0.8))),
            )
            for c in call["criteria"]
        }
        await Assignment(
            round=round_["id"], juror=juror, submission=submission.id, status="done", created_at=at
        ).save()
        await Review(
            round=round_["id"],
            juror=juror,
            submission=submission.id,
            scores=scores,
            status="final",
            comment="Überzeugender Nutzen für Leipzig, Pilot gut vorstellbar."
            if quality > 6
            else "Interessante Idee; Betrieb und Finanzierung nach dem Pilot sind noch offen.",
            shareable=offset == 0,
            finalized_at=at + timedelta(days=10 + offset),
        ).save()


async def _decide_and_publish(staff_actor, call: dict, round_: dict, base_url: str) -> None:
    """Decisions in ranking order — the best three per challenge enter the development phase,
    the others are not selected — then the published results."""
    reviews = (
        await Review.select(Review.juror, Review.submission, Review.scores)
        .output(load_json=True)
        .where(Review.round == round_["id"])
    )
    ranking = rank(
        [ReviewScores(r["juror"], r["submission"], r["scores"]) for r in reviews], call["criteria"]
    )
    challenge_of = {
        row["id"]: row["challenge"]
        for row in await Submission.select(Submission.id, Submission.challenge).where(
            Submission.call == call["id"]
        )
    }
    selected: dict = {}
    for entry in ranking.entries:
        challenge = challenge_of[entry.entry]
        selected[challenge] = selected.get(challenge, 0) + 1
        outcome = "development" if selected[challenge] <= PLACES else "not_selected"
        await decisions.set_decision(
            staff_actor,
            call,
            submission_id=entry.entry,
            outcome=outcome,
            award_cents=0,
            rationale=RATIONALES[outcome],
        )
    await Call.update({Call.status: "decided"}).where(Call.id == call["id"])
    call = await Call.select().output(load_json=True).where(Call.id == call["id"]).first()
    await publication.publish_results(staff_actor, call, base_url=base_url)


async def load_demo_results(password: str, base_url: str) -> int:
    """The past call's entries, reviews, decisions and published results (idempotent)."""
    call = await Call.select().output(load_json=True).where(Call.slug == SLUG).first()
    if call is None or await Submission.exists().where(Submission.call == call["id"]):
        return 0
    staff = await User.select().where(User.email == "staff@demo.leipzig.de").first()
    password_hash = hash_password(password)
    rng = random.Random(2025)
    submitted_at = call["closes_at"] - timedelta(days=2)
    round_ = await jury.round_of(call, 1)
    jurors = await _jurors(call, staff, password_hash, rng, submitted_at)
    challenges = {
        row["key"]: row["id"]
        for row in await Challenge.select(Challenge.key, Challenge.id).where(
            Challenge.call == call["id"]
        )
    }
    async with db.write_transaction():
        for number, team in enumerate(TEAMS, 1):
            submission = await _entry(call, number, team, password_hash, submitted_at, challenges)
            quality = team[-1]
            await _reviews(call, round_, submission, number, quality, jurors, rng, submitted_at)
    await _decide_and_publish(_staff_actor(staff), call, round_, base_url)
    return len(TEAMS)
