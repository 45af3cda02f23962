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


async def prepare() -> None:
    from challenge import db
    from challenge.calls.tables import Call
    from challenge.jury.services import round_of
    from challenge.jury.tables import Review
    from challenge.organisations.tables import Organisation
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import RoleGrant, User
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings
    from challenge.submissions.tables import Submission

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
            slug="gross",
            title="Großer Aufruf",
            status="published",
            opens_at=now - timedelta(days=90),
            closes_at=now - timedelta(days=30),
            criteria=criteria,
            created_at=now,
            budget_cents=10_000_000_00,
            awards_planned=20,
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
        jurors = [
            User(
                email=f"juror{n}@example.org",
                name=f"Juror {n}",
                password_hash="x",
                email_verified_at=now,
            )
            for n in range(JURORS)
        ]
        await User.insert(*jurors)
        # one team per entry: a team has one open proposal per call (a unique index)
        teams = [
            Organisation(id=uuid.uuid4(), name=f"Team {n}", kind="startup", created_at=now)
            for n in range(ENTRIES)
        ]
        for start in range(0, ENTRIES, 500):
            await Organisation.insert(*teams[start : start + 500])
        submissions = [
            Submission(
                id=uuid.uuid4(),
                call=call.id,
                organisation=teams[n].id,
                title=f"Vorschlag {n}",
                status="submitted",
                reference=f"SCC-2026-{n:05d}",
                created_at=now,
            )
            for n in range(ENTRIES)
        ]
        for start in range(0, ENTRIES, 500):
            await Submission.insert(*submissions[start : start + 500])
        round_ = await round_of(
            await Call.select().output(load_json=True).where(Call.id == call.id).first()
        )
        rng = random.Random(7)
        reviews = []
        for n, submission in enumerate(submissions):
            quality = rng.uniform(2, 9)
            for k in range(PER_ENTRY):
                juror = jurors[(n * PER_ENTRY + k) % JURORS]
                reviews.append(
                    Review(
                        round=round_["id"],
                        juror=juror.id,
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
