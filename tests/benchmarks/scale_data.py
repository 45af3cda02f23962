"""A city's full data for tests.benchmarks.scale: the demo data (for the people who log in), then
5,000 submitted proposals in two calls, 60 jurors (the four demo jurors among them) with k = 5
final reviews per proposal on every criterion, an assignment per review, a few hundred conflicts,
and 500 partnerships x 6 milestones in mixed states (some paid). With ``challenges`` each call's
proposals are spread over three challenges of the demo units (released to them).

Bulk rows go in through Piccolo's ``Table.insert(*rows)`` in batches (the generators of
tests.benchmarks.ranking_api), assignments through one INSERT … SELECT."""

from __future__ import annotations

import random
import time
import uuid
from datetime import date, timedelta
from types import SimpleNamespace

from tests.benchmarks.ranking_api import rubric, seed_jurors, seed_scored_entries, seed_teams

PROPOSALS, JURORS, PER_ENTRY = 5000, 60, 5
PARTNERSHIPS, MILESTONES, CONFLICTS_PER_CALL = 500, 6, 150
# slug, title, status: the first call is being judged, the second one is a year old
CALLS = (
    ("stadt-2026", "Smart City Challenge 2026: Die ganze Stadt", "published"),
    ("stadt-2025", "Smart City Challenge 2025: Die ganze Stadt", "results_published"),
)
# challenge key, demo unit that poses it
CHALLENGE_UNITS = (
    ("gruen", "Amt für Stadtgrün und Gewässer"),
    ("gesundheit", "Gesundheitsamt Leipzig"),
    ("wasser", "Leipziger Wasserwerke"),
)
BATCH = 500


async def insert_batched(table, rows: list) -> None:
    """Table.insert in batches of BATCH rows."""
    for start in range(0, len(rows), BATCH):
        await table.insert(*rows[start : start + BATCH])


def call_row(slug: str, title: str, status: str, now) -> dict:
    """A closed call with the 6-criteria rubric: judged now, or judged and published a year ago."""
    from challenge.demo import QUESTIONS

    past = timedelta(days=365 if status == "results_published" else 0)
    return {
        "slug": slug,
        "title": title,
        "summary": "Vorschläge aus der ganzen Stadt.",
        "description": "## Worum es geht\n\n" + "Die Stadt sucht digitale Lösungen. " * 30,
        "eligibility": "Startups, studentische Teams und Forschungsgruppen.",
        "status": status,
        "categories": ["Klima", "Mobilität", "Verwaltung"],
        "questions": QUESTIONS[:1],
        "criteria": rubric(),
        "opens_at": now - past - timedelta(days=90),
        "closes_at": now - past - timedelta(days=20),
        "jury_starts_at": now - past - timedelta(days=18),
        "jury_ends_at": now - past + timedelta(days=30),
        "results_at": now - past + timedelta(days=45),
        "budget_cents": 2_000_000_00,
        "max_award_cents": 60_000_00,
        "awards_planned": 20,
        "published_at": now - past - timedelta(days=100),
        "results_published_at": now - past + timedelta(days=46) if past else None,
        "created_at": now - past - timedelta(days=120),
    }


async def create_calls(now) -> list[dict]:
    from challenge.calls.tables import Call

    calls = []
    for slug, title, status in CALLS:
        await Call(**call_row(slug, title, status, now)).save()
        calls.append(await Call.select().output(load_json=True).where(Call.slug == slug).first())
    return calls


async def create_challenges(call: dict, now) -> list[dict]:
    """Three approved challenges of the demo units on the call, their rankings released."""
    from challenge.challenges.tables import Challenge, Unit

    rows = []
    for position, (key, unit_name) in enumerate(CHALLENGE_UNITS):
        unit = await Unit.select(Unit.id).where(Unit.name == unit_name).first()
        challenge = Challenge(
            unit=unit["id"],
            title=f"{unit_name}: Herausforderung {call['slug']}",
            problem="Ein Problem der Stadt. " * 20,
            status="approved",
            call=call["id"],
            key=key,
            position=position,
            places=5,
            ranking_released_at=now,
            created_at=now,
        )
        await challenge.save()
        rows.append({"id": challenge.id, "key": key})
    return rows


async def create_teams(now) -> list:
    """One team per proposal of a call (each team answers both calls), the demo team01 first;
    every generated team has one member."""
    from challenge.organisations.tables import Membership
    from challenge.platform.accounts.tables import User

    member = await User.select(User.id).where(User.email == "team01@demo.leipzig.de").first()
    own = await Membership.select(Membership.organisation).where(Membership.user == member["id"])
    teams = [SimpleNamespace(id=own[0]["organisation"])]
    teams += await seed_teams(PROPOSALS // len(CALLS) - 1, now)
    users = [
        User(
            id=uuid.uuid4(),
            email=f"mitglied{n}@scale.example",
            name=f"Mitglied {n}",
            password_hash="x",
            email_verified_at=now,
        )
        for n in range(1, len(teams))
    ]
    await insert_batched(User, users)
    memberships = [
        Membership(organisation=team.id, user=user.id, role="owner", created_at=now)
        for team, user in zip(teams[1:], users, strict=True)
    ]
    await insert_batched(Membership, memberships)
    return teams


async def create_jurors(calls: list[dict], now) -> list:
    """The four demo jurors and 56 more, on both calls' juries (accepted, declared)."""
    from challenge.demo_jury import JURORS as DEMO_JURORS
    from challenge.jury.tables import Juror
    from challenge.platform.accounts.tables import User

    emails = [email for email, *_ in DEMO_JURORS]
    demo = await User.select(User.id).where(User.email.is_in(emails))
    jurors = [SimpleNamespace(id=row["id"]) for row in demo]
    jurors += await seed_jurors(JURORS - len(jurors), now, prefix="-scale-")
    seats = [
        Juror(
            call=call["id"],
            user=juror.id,
            invited_at=now - timedelta(days=30),
            accepted_at=now - timedelta(days=29),
            declaration_completed_at=now - timedelta(days=28),
        )
        for call in calls
        for juror in jurors
    ]
    await insert_batched(Juror, seats)
    return jurors


async def judge_call(call: dict, teams: list, jurors: list, rng, now, challenges: list) -> None:
    """The call's proposals (over its challenges, if any) with their final reviews, an
    assignment per review and the round's rubric frozen."""
    from challenge.jury.reviews import rubric_version
    from challenge.jury.services import round_of
    from challenge.jury.tables import Round

    round_ = await round_of(call)
    criteria = round_["criteria"]
    year = call["slug"].rsplit("-", 1)[-1]
    groups = [
        (teams[n :: len(challenges)], {"challenge": c["id"]}) for n, c in enumerate(challenges)
    ]
    for number, (group, extra) in enumerate(groups or [(teams, {})]):
        await seed_scored_entries(
            call,
            round_,
            group,
            jurors,
            criteria,
            rng,
            now,
            prefix=f"{year}-{number}",
            submitted_at=call["closes_at"] - timedelta(hours=rng.randint(1, 500)),
            summary="Kurzbeschreibung des Vorschlags. " * 8,
            **extra,
        )
    await Round.raw(
        "UPDATE reviews SET rubric_version = {}, comment = 'Solide Idee.' WHERE round = {}",
        rubric_version(criteria),
        round_["id"],
    )
    await Round.update({Round.rubric_frozen_at: now}).where(Round.id == round_["id"])
    await Round.raw(
        "INSERT INTO assignments (id, round, juror, submission, status, created_at) "
        "SELECT gen_random_uuid(), round, juror, submission, 'done', {} FROM reviews "
        "WHERE round = {}",
        now,
        round_["id"],
    )


async def declare_conflicts(call: dict, rng, now) -> int:
    """CONFLICTS_PER_CALL (juror, proposal) pairs of the call that have no review."""
    from challenge.jury.tables import Conflict, Juror, Review
    from challenge.submissions.tables import Submission

    reviewed = {
        (r["juror"], r["submission"])
        for r in await Review.select(Review.juror, Review.submission).where(
            Review.submission.call == call["id"]
        )
    }
    jurors = [r["user"] for r in await Juror.select(Juror.user).where(Juror.call == call["id"])]
    entries = [
        r["id"] for r in await Submission.select(Submission.id).where(Submission.call == call["id"])
    ]
    pairs: set = set()
    while len(pairs) < CONFLICTS_PER_CALL:
        pair = (rng.choice(jurors), rng.choice(entries))
        if pair not in reviewed:
            pairs.add(pair)
    await insert_batched(
        Conflict,
        [
            Conflict(call=call["id"], juror=j, submission=s, reason="Befangen", created_at=now)
            for j, s in sorted(pairs, key=str)
        ],
    )
    return len(pairs)


def milestone_rows(partnership, rng, now, finance_id) -> tuple[list, list, list]:
    """MILESTONES milestones of a partnership in mixed states, their evidence and payments."""
    from partnerships.tables import Evidence, Milestone, Payment

    milestones, evidence, payments = [], [], []
    for k in range(MILESTONES):
        status = rng.choice(["planned", "submitted", "approved", "paid"])
        done = status in ("approved", "paid")
        milestone = Milestone(
            id=uuid.uuid4(),
            partnership=partnership.id,
            position=k + 1,
            title=f"Meilenstein {k + 1}",
            deliverables="Bericht und Software",
            due_date=partnership.start_date + timedelta(days=60 * (k + 1)),
            amount_cents=10_000_00,
            status=status,
            evidence_round=0 if status == "planned" else 1,
            paid_cents=10_000_00 if status == "paid" else 0,
            submitted_at=None if status == "planned" else now - timedelta(days=70),
            approved_at=now - timedelta(days=rng.randint(1, 60)) if done else None,
            paid_at=now - timedelta(days=1) if status == "paid" else None,
        )
        milestones.append(milestone)
        if status != "planned":
            evidence.append(
                Evidence(milestone=milestone.id, round=1, note="", created_at=now - timedelta(70))
            )
        if status == "paid":
            payments.append(
                Payment(
                    milestone=milestone.id,
                    partnership=partnership.id,
                    amount_cents=10_000_00,
                    paid_on=date(2026, 6, 1),
                    recorded_by=finance_id,
                    created_at=now,
                )
            )
    return milestones, evidence, payments


async def create_partnerships(call: dict, exclude, rng, now) -> int:
    """PARTNERSHIPS partnerships (active, completed or sent) on the call's first proposals."""
    from challenge.platform.accounts.tables import User
    from challenge.submissions.tables import Submission
    from partnerships.tables import Evidence, Milestone, Partnership, Payment

    finance = await User.select(User.id).where(User.email == "finance@demo.leipzig.de").first()
    numbers = await Partnership.select(Partnership.number).order_by(
        Partnership.number, ascending=False
    )
    first = (numbers[0]["number"] if numbers else 0) + 1
    entries = (
        await Submission.select(Submission.id, Submission.organisation, Submission.title)
        .where((Submission.call == call["id"]) & (Submission.organisation != exclude))
        .order_by(Submission.reference)
        .limit(PARTNERSHIPS)
    )
    rows: dict[type, list] = {Partnership: [], Milestone: [], Evidence: [], Payment: []}
    for n, entry in enumerate(entries):
        status = rng.choice(["active", "active", "completed", "sent"])
        signed = None if status == "sent" else now - timedelta(days=rng.randint(100, 300))
        partnership = Partnership(
            id=uuid.uuid4(),
            number=first + n,
            year=2025 + n % 2,
            call=call["id"],
            submission=entry["id"],
            organisation=entry["organisation"],
            title=f"Partnerschaft: {entry['title']}",
            scope="Entwicklung und Pilotbetrieb. " * 10,
            city_unit="Referat Digitale Stadt",
            start_date=date(2026, 1, 1),
            end_date=date(2027, 12, 31),
            total_cents=MILESTONES * 10_000_00,
            status=status,
            signed_name="" if signed is None else f"Team {n}",
            sent_at=now - timedelta(days=320),
            signed_at=signed,
            completed_at=now - timedelta(days=5) if status == "completed" else None,
            created_at=now - timedelta(days=330),
        )
        rows[Partnership].append(partnership)
        for table, more in zip(
            (Milestone, Evidence, Payment),
            milestone_rows(partnership, rng, now, finance["id"]),
            strict=True,
        ):
            rows[table] += more
    for table, items in rows.items():
        await insert_batched(table, items)
    return len(entries)


async def generate(settings, *, challenges: bool) -> dict[str, float]:
    """Migrate, load the demo, then the city's data; seconds per phase."""
    from challenge import db
    from challenge.demo import load_demo
    from challenge.domains import install_all
    from challenge.platform import clock

    install_all()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    async with db.connected(settings):
        await db.migrate()
        seconds["migrate"] = time.perf_counter() - started
        await load_demo(base_url=settings.base_url, settings=settings)
        seconds["demo"] = time.perf_counter() - started - sum(seconds.values())
        now, rng = clock.now(), random.Random(25)
        calls = await create_calls(now)
        teams = await create_teams(now)
        jurors = await create_jurors(calls, now)
        for call in calls:
            spread = await create_challenges(call, now) if challenges else []
            await judge_call(call, teams, jurors, rng, now, spread)
            await declare_conflicts(call, rng, now)
        await create_partnerships(calls[1], teams[0].id, rng, now)
        seconds["city data"] = time.perf_counter() - started - sum(seconds.values())
    return seconds
