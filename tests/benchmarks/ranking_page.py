"""The staff ranking page and the score exports at a city's scale: 5,000 entries x 5 final
reviews by 60 jurors, 6 criteria, in-process (the app and an HTTP client on one event loop) so
the peak RSS growth of each export is measured in this process (/proc/self/status VmHWM after
resetting it through /proc/self/clear_refs).

Run: CHALLENGE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
     python -m tests.benchmarks.ranking_page      (without the variable: SQLite)"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tests.benchmarks.portal import engine_name
from tests.benchmarks.ranking_api import (
    PASSWORD,
    seed_call,
    seed_jurors,
    seed_scored_entries,
    seed_teams,
)
from tests.support.databases import create_database, drop_database

ENTRIES, JURORS = 5000, 60
PAGE = "/staff/calls/stadt/results"


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0); False where that is not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


CPU: list[float] = []  # this process's CPU milliseconds of the last measurement's requests


async def _timed(client: httpx.AsyncClient, url: str) -> tuple[float, int, float]:
    """One GET: milliseconds, body size in KB and the peak RSS growth in MB (and its CPU time
    in CPU: on a busy machine the wall time alone says little)."""
    before = _status_kb("VmRSS")
    _reset_peak()
    started, cpu = time.perf_counter(), time.process_time()
    response = await client.get(url)
    ms = (time.perf_counter() - started) * 1000
    CPU.append((time.process_time() - cpu) * 1000)
    response.raise_for_status()
    growth = max(0, _status_kb("VmHWM") - before) / 1024
    return ms, len(response.content) // 1024, growth


async def _median(client: httpx.AsyncClient, url: str, runs: int = 5) -> tuple[float, int, float]:
    CPU.clear()
    results = [await _timed(client, url) for _ in range(runs)]
    return (
        statistics.median(r[0] for r in results),
        results[-1][1],
        max(r[2] for r in results),
    )


def _cpu() -> str:
    return f"median CPU time {statistics.median(CPU):.0f} ms"


async def _seed() -> None:
    from challenge.jury.services import round_of

    now = datetime.now(UTC)
    call, criteria = await seed_call("stadt", "Stadtweiter Aufruf", 20, now)
    jurors = await seed_jurors(JURORS, now)
    teams = await seed_teams(ENTRIES, now)
    round_ = await round_of(call)
    await seed_scored_entries(call, round_, teams, jurors, criteria, random.Random(11), now)


async def _login(app) -> httpx.AsyncClient:
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("10.9.8.7", 40000)),
        base_url="http://portal.test",
        timeout=600,
    )
    await client.get("/login")
    response = await client.post(
        "/api/v1/auth/login",
        json={"email": "staff@example.org", "password": PASSWORD},
        headers={"x-csrftoken": client.cookies["csrftoken"]},
    )
    response.raise_for_status()
    return client


async def _measure(client: httpx.AsyncClient) -> None:
    print(
        f"Ranking page and exports, {ENTRIES} entries x 5 reviews, {JURORS} jurors ({engine_name()}):"
    )
    ms, kb, _ = await _timed(client, PAGE)
    print(
        f"  ranking page first view (computes 3 rankings) {ms:7.0f} ms   (target <= 3000 ms)   {kb} KB"
    )
    ms, kb, _ = await _median(client, PAGE)
    print(f"  ranking page later views {ms:7.0f} ms   (target <= 150 ms)   {kb} KB, {_cpu()}")
    print(f"  ranking page size {kb} KB   (target <= 300 KB)")
    ms, kb, _ = await _median(client, PAGE + "?page=3")
    print(f"  ranking page 3 {ms:7.0f} ms   (target <= 150 ms)   {kb} KB, {_cpu()}")
    for name, target in (("scores.csv", 500), ("scores.xlsx", 500)):
        url = f"/api/v1/calls/stadt/{name}"
        ms, kb, growth = await _timed(client, url)
        print(f"  {name} first {ms:7.0f} ms   (target <= {target * 3} ms)   {kb} KB")
        print(f"  {name} first peak RSS growth {growth:5.0f} MB   (target <= 50 MB)")
        ms, kb, growth = await _median(client, url, runs=3)
        print(f"  {name} {ms:7.0f} ms   (target <= {target} ms)   {kb} KB, {_cpu()}")
        print(f"  {name} peak RSS growth {growth:5.0f} MB   (target <= 50 MB)")


async def main() -> None:
    from challenge import db
    from challenge.app import create_app
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings

    with tempfile.TemporaryDirectory() as tmp:
        url = create_database(Path(tmp))
        os.environ.update(
            CHALLENGE_DATA_DIR=str(Path(tmp) / "var"),
            CHALLENGE_DATABASE_URL=url,
            CHALLENGE_LOG_LEVEL="warning",
        )
        try:
            app = create_app(prepare_settings(load_settings()))
            await db.start(app.state.engine)
            try:
                await db.migrate()
                await _seed()
                client = await _login(app)
                try:
                    await _measure(client)
                finally:
                    await client.aclose()
            finally:
                await db.stop(app.state.engine)
        finally:
            drop_database(url)


if __name__ == "__main__":
    asyncio.run(main())
