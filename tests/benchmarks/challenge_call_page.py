"""The call page with three challenges against the same call without them, rendered every time
(no page cache), side by side in one run (issue 17 figure: >= 600 req/s uncached on PostgreSQL).

Run: python -m tests.benchmarks.challenge_call_page   (SQLite; set CHALLENGE_TEST_DATABASE_URL
for PostgreSQL). Needs `wrk` (Debian package), else it says so. Rounds alternate between the two
pages and the medians are printed, since absolute rates drift on a shared machine.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.benchmarks.documents import start_server
from tests.benchmarks.submissions import wrk
from tests.support.databases import create_database, drop_database

ROUNDS = 3
DESCRIPTION = "## Worum es geht\n\n" + "Leipzig wird wärmer. " * 40


async def prepare(env: dict) -> None:
    """Migrate, then insert two published open calls, one with three challenges of three units."""
    os.environ.update(env)
    from challenge import db
    from challenge.calls.tables import Call
    from challenge.challenges.tables import Challenge, Unit
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        now = datetime.now(UTC)
        ids = {}
        for slug in ("plain", "challenges"):
            call = Call(
                slug=slug,
                title="Smart City Challenge 2026",
                summary="Benchmark",
                description=DESCRIPTION,
                status="published",
                categories=["A", "B"],
                questions=[],
                criteria=[],
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=30),
                budget_cents=100_000_00,
                created_at=now,
            )
            await call.save()
            ids[slug] = call.id
        for n, name in enumerate(("Amt für Stadtgrün", "Gesundheitsamt", "Wasserwerke")):
            unit = Unit(name=name, kind="city_office", created_at=now)
            await unit.save()
            await Challenge(
                unit=unit.id,
                title=f"Challenge {n + 1}: {name}",
                problem="Ein Problem der Stadt, in **Markdown**. " * 10,
                contact_name="Kontakt",
                offer={
                    "datasets": [{"title": "Daten", "url": "https://opendata.leipzig.de/x"}],
                    "infrastructure": "Testfläche",
                },
                status="approved",
                call=ids["challenges"],
                key=f"c{n + 1}",
                position=n,
                created_at=now,
            ).save()


async def main() -> None:
    engine = "postgresql" if os.environ.get("CHALLENGE_TEST_DATABASE_URL") else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        url = create_database(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
        env.update(
            CHALLENGE_DATA_DIR=str(Path(tmp) / "var"),
            CHALLENGE_DATABASE_URL=url,
            CHALLENGE_LOG_LEVEL="warning",
            CHALLENGE_PAGE_CACHE="false",
        )
        try:
            await prepare(env)
            server, base = start_server(env)
            rates: dict[str, list[float]] = {"plain": [], "challenges": []}
            try:
                for _ in range(ROUNDS):
                    for slug in rates:
                        rate = wrk(f"{base}/calls/{slug}")
                        if rate is None:
                            print("wrk not installed: no figures")
                            return
                        rates[slug].append(rate)
            finally:
                server.terminate()
                server.wait(timeout=10)
        finally:
            drop_database(url)
    print(f"engine: {engine}")
    for slug, label in (("plain", "without challenges"), ("challenges", "with three challenges")):
        print(
            f"call page {label}, 8 clients, rendered each time: "
            f"{statistics.median(rates[slug]):.0f} req/s   target >= 600"
        )


if __name__ == "__main__":
    asyncio.run(main())
