"""The ranking API end to end: 2,000 entries x 60 jurors x 5 final reviews x 6 criteria, each
method with the bootstrap (1,000 resamples), alpha and leniency, over HTTP against a running
server (target <= 500 ms on PostgreSQL). Also the staff ranking page and the exports.

Run: CHALLENGE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
     python -m tests.benchmarks.ranking_api      (without the variable: SQLite)"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tests.benchmarks.documents import login, start_server
from tests.support.databases import create_database, drop_database

PASSWORD = "Benchmark-Passwort-2026"
ENTRIES, JURORS, PER_ENTRY, CRITERIA = 2000, 60, 5, 6


async def prepare() -> str:
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
        criteria = [{"key": f"c{n}", "name": f"Kriterium {n}", "weight": 1 + n % 3, "scale_min": 0, "scale_max": 10}
                    for n in range(CRITERIA)]
        call = Call(slug="gross", title="Großer Aufruf", status="published", opens_at=now - timedelta(days=90),
                    closes_at=now - timedelta(days=30), criteria=criteria, created_at=now, budget_cents=10_000_000_00,
                    awards_planned=20)
        await call.save()
        staff = User(email="staff@example.org", name="Staff", password_hash=hash_password(PASSWORD), email_verified_at=now)
        await staff.save()
        await RoleGrant(user=staff.id, role="staff").save()
        jurors = [User(email=f"juror{n}@example.org", name=f"Juror {n}", password_hash="x", email_verified_at=now)
                  for n in range(JURORS)]
        await User.insert(*jurors)
        team = Organisation(name="Team", kind="startup", created_at=now)
        await team.save()
        submissions = [Submission(id=uuid.uuid4(), call=call.id, organisation=team.id, title=f"Vorschlag {n}",
                                  status="submitted", reference=f"SCC-2026-{n:05d}", created_at=now)
                       for n in range(ENTRIES)]
        for start in range(0, ENTRIES, 500):
            await Submission.insert(*submissions[start:start + 500])
        round_ = await round_of(await Call.select().output(load_json=True).where(Call.id == call.id).first())
        rng = random.Random(7)
        reviews = []
        for n, submission in enumerate(submissions):
            quality = rng.uniform(2, 9)
            for k in range(PER_ENTRY):
                juror = jurors[(n * PER_ENTRY + k) % JURORS]
                reviews.append(Review(round=round_["id"], juror=juror.id, submission=submission.id, status="final",
                                      scores={c["key"]: max(0, min(10, round(quality + rng.gauss(0, 1.5)))) for c in criteria},
                                      finalized_at=now))
        for start in range(0, len(reviews), 1000):
            await Review.insert(*reviews[start:start + 1000])
    return "gross"


async def timed(client: httpx.AsyncClient, url: str, runs: int = 5) -> tuple[float, int]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = await client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return statistics.median(times), len(response.content)


async def main() -> None:
    engine = "postgresql" if os.environ.get("CHALLENGE_TEST_DATABASE_URL") else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        url = create_database(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
        env.update(CHALLENGE_DATA_DIR=str(Path(tmp) / "var"), CHALLENGE_DATABASE_URL=url, CHALLENGE_LOG_LEVEL="warning")
        os.environ.update(env)
        try:
            slug = await prepare()
            server, base = start_server(env)
            try:
                client = await login(base, "staff@example.org")
                try:
                    await client.get(f"/api/v1/calls/{slug}/ranking")  # warm up
                    print(f"Ranking, {ENTRIES} entries x {JURORS} jurors x {PER_ENTRY} reviews x {CRITERIA} criteria "
                          f"({engine}), median of 5:")
                    for method in ("mean", "median", "trimmed", "normalized"):
                        ms, _size = await timed(client, f"/api/v1/calls/{slug}/ranking?method={method}")
                        print(f"  GET /ranking?method={method:<10} {ms:6.0f} ms   target <= 500 ms")
                    ms, size = await timed(client, f"/staff/calls/{slug}/results?method=normalized", runs=3)
                    print(f"  staff ranking page (3 methods, charts) {ms:6.0f} ms   ({size // 1024} KB)")
                    ms, size = await timed(client, f"/api/v1/calls/{slug}/scores.xlsx", runs=3)
                    print(f"  scores.xlsx                           {ms:6.0f} ms   ({size // 1024} KB)")
                finally:
                    await client.aclose()
            finally:
                server.terminate()
                server.wait()
        finally:
            drop_database(url)


if __name__ == "__main__":
    asyncio.run(main())
