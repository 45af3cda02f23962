"""The ranking per challenge (issue 17): a call with 3 challenges x 700 entries, each challenge
with its own 20 jurors and k = 5 final reviews per entry (6 criteria); every method with the
bootstrap (1,000 resamples), alpha and leniency over one challenge's entries, over HTTP against a
running server (target <= 500 ms per challenge on PostgreSQL). Also the whole call (2,100 entries).

Run: CHALLENGE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
     python -m tests.benchmarks.challenge_ranking      (without the variable: SQLite)"""

from __future__ import annotations

import asyncio
import random
import statistics
import uuid
from datetime import UTC, datetime, timedelta

from tests.benchmarks.documents import login
from tests.benchmarks.portal import engine_name, median_ms, temporary_portal

PASSWORD = "Benchmark-Passwort-2026"
CHALLENGES, ENTRIES, JURORS, PER_ENTRY, CRITERIA = ("a", "b", "c"), 700, 20, 5, 6


async def prepare() -> None:
    from challenge import db
    from challenge.calls.tables import Call
    from challenge.challenges.tables import Challenge, Unit
    from challenge.jury.services import round_of
    from challenge.organisations.tables import Organisation
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import RoleGrant, User
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        now = datetime.now(UTC)
        criteria = [
            {
                "key": f"c{n}",
                "name": f"Kriterium {n}",
                "weight": 1 + n % 3,
                "scale_min": 0,
                "scale_max": 10,
            }
            for n in range(CRITERIA)
        ]
        call = Call(
            slug="challenges",
            title="Smart City Challenge",
            status="published",
            opens_at=now - timedelta(days=90),
            closes_at=now - timedelta(days=30),
            criteria=criteria,
            created_at=now,
            budget_cents=10_000_000_00,
            awards_planned=9,
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
        # one proposal per team and challenge: a team per entry, each answering every challenge
        teams = [
            Organisation(id=uuid.uuid4(), name=f"Team {n}", kind="startup", created_at=now)
            for n in range(ENTRIES)
        ]
        for start in range(0, ENTRIES, 500):
            await Organisation.insert(*teams[start : start + 500])
        round_ = await round_of(
            await Call.select().output(load_json=True).where(Call.id == call.id).first()
        )
        rng = random.Random(7)
        for position, key in enumerate(CHALLENGES):
            unit = Unit(name=f"Amt {key}", kind="city_office", created_at=now)
            await unit.save()
            challenge = Challenge(
                unit=unit.id,
                title=f"Challenge {key}",
                status="approved",
                call=call.id,
                key=key,
                position=position,
                places=3,
                created_at=now,
            )
            await challenge.save()
            await _entries(call, round_, challenge, teams, criteria, rng, now)


async def _entries(call, round_, challenge, teams, criteria, rng, now) -> None:
    """One challenge's entries, its own jurors and k final reviews per entry."""
    from challenge.jury.tables import Review
    from challenge.platform.accounts.tables import User
    from challenge.submissions.tables import Submission

    key = challenge.key
    jurors = [
        User(
            email=f"juror-{key}{n}@example.org",
            name=f"Juror {key}{n}",
            password_hash="x",
            email_verified_at=now,
        )
        for n in range(JURORS)
    ]
    await User.insert(*jurors)
    submissions = [
        Submission(
            id=uuid.uuid4(),
            call=call.id,
            organisation=teams[n].id,
            challenge=challenge.id,
            title=f"Vorschlag {key}{n}",
            status="submitted",
            reference=f"SCC-{key.upper()}-{n:05d}",
            created_at=now,
        )
        for n in range(ENTRIES)
    ]
    for start in range(0, ENTRIES, 500):
        await Submission.insert(*submissions[start : start + 500])
    reviews = []
    for n, submission in enumerate(submissions):
        quality = rng.uniform(2, 9)
        for k in range(PER_ENTRY):
            reviews.append(
                Review(
                    round=round_["id"],
                    juror=jurors[(n * PER_ENTRY + k) % JURORS].id,
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


async def main() -> None:
    async with temporary_portal(prepare) as base:
        client = await login(base, "staff@example.org")
        try:
            await client.get("/api/v1/calls/challenges/ranking?challenge=a")  # warm up
            print(
                f"Ranking per challenge, {len(CHALLENGES)} challenges x {ENTRIES} entries x "
                f"{JURORS} jurors each x k={PER_ENTRY} x {CRITERIA} criteria ({engine_name()}), "
                "median of 5:"
            )
            for method in ("mean", "median", "trimmed", "normalized"):
                times = []
                for key in CHALLENGES:
                    ms, response = await median_ms(
                        client, f"/api/v1/calls/challenges/ranking?method={method}&challenge={key}"
                    )
                    assert len(response.json()["entries"]) == ENTRIES
                    times.append(ms)
                print(
                    f"  GET /ranking?method={method:<10}&challenge=…  "
                    f"{statistics.median(times):6.0f} ms per challenge "
                    f"(max {max(times):.0f} ms)   target <= 500 ms"
                )
            ms, _response = await median_ms(client, "/api/v1/calls/challenges/ranking", runs=3)
            print(f"  whole call ({len(CHALLENGES) * ENTRIES} entries, mean)  {ms:6.0f} ms")
            ms, response = await median_ms(
                client, "/staff/calls/challenges/results?challenge=b", runs=3
            )
            print(
                f"  staff ranking page, one challenge   {ms:6.0f} ms   "
                f"({len(response.content) // 1024} KB)"
            )
        finally:
            await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
