"""The ranking API end to end: 2,000 entries x 60 jurors x 5 final reviews x 6 criteria, each
method with the bootstrap (1,000 resamples), alpha and leniency, over HTTP against a running
server (target <= 500 ms on PostgreSQL). Also the staff ranking page and the exports.

Run: CHALLENGE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
     python -m tests.benchmarks.ranking_api      (without the variable: SQLite)"""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta

from tests.benchmarks.documents import login
from tests.benchmarks.portal import engine_name, median_ms, temporary_portal

PASSWORD = "Benchmark-Passwort-2026"
ENTRIES, JURORS, PER_ENTRY, CRITERIA = 2000, 60, 5, 6


def rubric(count: int = CRITERIA) -> list[dict]:
    """Criteria c0, c1, … on a 0–10 scale with weights 1–3."""
    return [
        {
            "key": f"c{n}",
            "name": f"Kriterium {n}",
            "weight": 1 + n % 3,
            "scale_min": 0,
            "scale_max": 10,
        }
        for n in range(count)
    ]


async def seed_call(slug: str, title: str, awards_planned: int, now) -> tuple[dict, list[dict]]:
    """A closed call with its round 1 and a staff login (staff@example.org): (call row, criteria)."""
    from challenge.calls.tables import Call
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import RoleGrant, User

    criteria = rubric()
    call = Call(
        slug=slug,
        title=title,
        status="published",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        criteria=criteria,
        created_at=now,
        budget_cents=10_000_000_00,
        awards_planned=awards_planned,
    )
    await call.save()
    staff = User(
        email="staff@example.org",
        name="Staff",
        password_hash=hash_password(PASSWORD),
        email_verified_at=now,
    )
    await staff.save()
    await RoleGrant(user=staff.id, role="staff").save()
    return await Call.select().output(load_json=True).where(Call.id == call.id).first(), criteria


async def seed_teams(count: int, now) -> list:
    """One team per entry: a team has one open proposal per call (or challenge)."""
    from challenge.organisations.tables import Organisation

    teams = [
        Organisation(id=uuid.uuid4(), name=f"Team {n}", kind="startup", created_at=now)
        for n in range(count)
    ]
    for start in range(0, count, 500):
        await Organisation.insert(*teams[start : start + 500])
    return teams


async def seed_jurors(count: int, now, prefix: str = "") -> list:
    from challenge.platform.accounts.tables import User

    jurors = [
        User(
            email=f"juror{prefix}{n}@example.org",
            name=f"Juror {prefix}{n}",
            password_hash="x",
            email_verified_at=now,
        )
        for n in range(count)
    ]
    await User.insert(*jurors)
    return jurors


async def seed_scored_entries(call, round_, teams, jurors, criteria, rng, now, **extra) -> None:
    """A submitted entry per team with PER_ENTRY final reviews around a random quality
    (``extra``: e.g. the entries' challenge and a reference prefix)."""
    from challenge.jury.tables import Review
    from challenge.submissions.tables import Submission

    prefix = extra.pop("prefix", "2026")
    submissions = [
        Submission(
            id=uuid.uuid4(),
            call=call["id"],
            organisation=team.id,
            title=f"Vorschlag {prefix}-{n}",
            status="submitted",
            reference=f"SCC-{prefix}-{n:05d}",
            created_at=now,
            **extra,
        )
        for n, team in enumerate(teams)
    ]
    for start in range(0, len(submissions), 500):
        await Submission.insert(*submissions[start : start + 500])
    reviews = []
    for n, submission in enumerate(submissions):
        quality = rng.uniform(2, 9)
        for k in range(PER_ENTRY):
            reviews.append(
                Review(
                    round=round_["id"],
                    juror=jurors[(n * PER_ENTRY + k) % len(jurors)].id,
                    submission=submission.id,
                    status="final",
                    scores={
                        c["key"]: max(0, min(10, round(quality + rng.gauss(0, 1.5))))
                        for c in criteria
                    },
                    finalized_at=now,
                )
            )
    for start in range(0, len(reviews), 1000):
        await Review.insert(*reviews[start : start + 1000])


async def prepare() -> None:
    from challenge import db
    from challenge.jury.services import round_of
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        now = datetime.now(UTC)
        call, criteria = await seed_call("gross", "Großer Aufruf", 20, now)
        jurors = await seed_jurors(JURORS, now)
        teams = await seed_teams(ENTRIES, now)
        round_ = await round_of(call)
        await seed_scored_entries(call, round_, teams, jurors, criteria, random.Random(7), now)


async def main() -> None:
    async with temporary_portal(prepare) as base:
        client = await login(base, "staff@example.org")
        try:
            await client.get("/api/v1/calls/gross/ranking")  # warm up
            print(
                f"Ranking, {ENTRIES} entries x {JURORS} jurors x {PER_ENTRY} reviews x {CRITERIA} criteria "
                f"({engine_name()}), median of 5:"
            )
            for method in ("mean", "median", "trimmed", "normalized"):
                ms, _response = await median_ms(
                    client, f"/api/v1/calls/gross/ranking?method={method}"
                )
                print(f"  GET /ranking?method={method:<10} {ms:6.0f} ms   target <= 500 ms")
            ms, response = await median_ms(
                client, "/staff/calls/gross/results?method=normalized", runs=3
            )
            print(
                f"  staff ranking page (3 methods, charts) {ms:6.0f} ms   ({len(response.content) // 1024} KB)"
            )
            ms, response = await median_ms(client, "/api/v1/calls/gross/scores.xlsx", runs=3)
            print(
                f"  scores.xlsx                           {ms:6.0f} ms   ({len(response.content) // 1024} KB)"
            )
        finally:
            await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
