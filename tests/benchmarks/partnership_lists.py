"""Partnership lists at a city's scale: 500 partnerships x 6 milestones (the generator of
:mod:`tests.benchmarks.partnerships`) in a fresh database, then over HTTP the staff's
partnership list, the public list of funded projects, the funding overview page (each target
<= 100 ms and <= 300 KB of HTML) and the OCDS release package as a client asking for gzip gets
it (target <= 5 ms; the bytes on the wire).

/projects is measured logged in: the anonymous page cache would answer the repeats, a logged-in
page is always rendered. The tables are analysed after the bulk load, as autovacuum (or SQLite's
optimizer statistics) would have them in a running portal; a planner without statistics joins
3,000 milestones to 500 partnerships by nested loop. The package's time is until its last byte
arrives (the client does not unpack it in the timing).

Run: python -m tests.benchmarks.partnership_lists   (CHALLENGE_TEST_DATABASE_URL for PostgreSQL)"""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx

from tests.benchmarks.documents import login
from tests.benchmarks.partnerships import MILESTONES, PARTNERSHIPS
from tests.benchmarks.partnerships import prepare as generate
from tests.benchmarks.portal import engine_name, median_ms, temporary_portal

RUNS = 10
PAGES = (
    ("staff partnership list", "/staff/partnerships"),
    ("staff partnership list, page 5", "/staff/partnerships?page=5"),
    ("funded projects (/projects)", "/projects"),
    ("funding overview (page)", "/staff/funding"),
)
PACKAGE = "/api/v1/opendata/ocds/release-package.json"


async def prepare() -> None:
    """The generator's data, then the planner's statistics."""
    from challenge import db
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings
    from partnerships.tables import Partnership

    await generate()
    async with db.connected(prepare_settings(load_settings())):
        await Partnership.raw("ANALYZE")


async def page_figures(client: httpx.AsyncClient, engine: str) -> None:
    """Median time and HTML size of each list page."""
    for label, path in PAGES:
        await client.get(path)  # warm: templates compiled, caches filled
        ms, response = await median_ms(client, path, runs=RUNS)
        where = f"{PARTNERSHIPS} x {MILESTONES} ({engine})"
        print(f"{label}, {where}, median of {RUNS}: {ms:.0f} ms (target <= 100 ms)")
        print(f"{label}, {where}, HTML: {len(response.content) / 1024:.0f} KB (target <= 300 KB)")


async def package_figures(base: str, engine: str) -> None:
    """The release package as the city's data platform polls it, asking for gzip."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        headers = {"accept-encoding": "gzip"}
        (await client.get(PACKAGE, headers=headers)).raise_for_status()  # built and cached
        times, wire = [], 0
        for _ in range(20):
            started = time.perf_counter()
            async with client.stream("GET", PACKAGE, headers=headers) as response:
                response.raise_for_status()
                wire = sum([len(chunk) async for chunk in response.aiter_raw()])
            times.append((time.perf_counter() - started) * 1000)
        plain = await client.get(PACKAGE, headers={"accept-encoding": "identity"})
        print(
            f"OCDS release package with gzip, {PARTNERSHIPS} partnerships ({engine}), median of 20: "
            f"{statistics.median(times):.1f} ms (target <= 5 ms)"
        )
        print(
            f"OCDS release package with gzip ({engine}), on the wire: {wire / 1024:.0f} KB of "
            f"{len(plain.content) / 1024:.0f} KB (target —)"
        )


async def main() -> None:
    async with temporary_portal(prepare) as base:
        client = await login(base, "finance@example.org")
        try:
            await page_figures(client, engine_name())
        finally:
            await client.aclose()
        await package_figures(base, engine_name())


if __name__ == "__main__":
    asyncio.run(main())
