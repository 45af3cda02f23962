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
from datetime import UTC, datetime

from tests.benchmarks.documents import login
from tests.benchmarks.portal import engine_name, median_ms, temporary_portal
from tests.benchmarks.ranking_api import (
    CRITERIA,
    PER_ENTRY,
    seed_call,
    seed_jurors,
    seed_scored_entries,
    seed_teams,
)

CHALLENGES, ENTRIES, JURORS = ("a", "b", "c"), 700, 20


async def prepare() -> None:
    from challenge import db
    from challenge.challenges.tables import Challenge, Unit
    from challenge.jury.services import round_of
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        now = datetime.now(UTC)
        call, criteria = await seed_call("challenges", "Smart City Challenge", 9, now)
        # one proposal per team and challenge: a team per entry, each answering every challenge
        teams = await seed_teams(ENTRIES, now)
        round_ = await round_of(call)
        rng = random.Random(7)
        for position, key in enumerate(CHALLENGES):
            unit = Unit(name=f"Amt {key}", kind="city_office", created_at=now)
            await unit.save()
            challenge = Challenge(
                unit=unit.id,
                title=f"Challenge {key}",
                status="approved",
                call=call["id"],
                key=key,
                position=position,
                places=3,
                created_at=now,
            )
            await challenge.save()
            jurors = await seed_jurors(JURORS, now, prefix=key)  # each challenge its own jury
            await seed_scored_entries(
                call,
                round_,
                teams,
                jurors,
                criteria,
                rng,
                now,
                challenge=challenge.id,
                prefix=key.upper(),
            )


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
