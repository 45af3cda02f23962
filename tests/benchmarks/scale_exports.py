"""The results exports at a whole city's data (issue 25), without the crawl of
tests.benchmarks.scale: scores.xlsx (p50 over --repeat views, target <= 500 ms) and each call's
first jury report PDF (the server's peak RSS growth, target <= 50 MB), against a running
`challenge serve --no-worker` on PostgreSQL; with the server's CPU time per view, which a
loaded machine changes less than the wall-clock figures (a report's child process not counted).

The ranking pages of both calls are viewed first (as in tests.benchmarks.scale, the rankings
are cached when the exports run; --cold-rankings empties the ranking cache instead, so the
exports compute them). The stored jury reports are removed before the run, so each report is
issued (rendered) again; --report-first issues them before the scores.xlsx views.

Run: python -m tests.benchmarks.scale_exports [--repeat 7] [--keep]
     python -m tests.benchmarks.scale_exports --database-url postgresql://…/scale_bench_123"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from tests.benchmarks.scale import (
    NOW,
    PAST,
    admin,
    database_url,
    environment,
    login,
    serve,
    server_errors,
    table,
)
from tests.benchmarks.scale_crawl import Row, measure
from tests.benchmarks.scale_data import generate

STAFF = "staff@demo.leipzig.de"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int) -> float:
    """The process's CPU time so far (user and system, all threads), in milliseconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICKS


async def forget(url: str, cold_rankings: bool) -> None:
    """The stored jury reports gone (and the cached rankings, if asked)."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("DELETE FROM documents WHERE owner_type = 'jury_report'")
        if cold_rankings:
            await connection.execute("DELETE FROM ranking_cache")
    finally:
        await connection.close()


def run(url: str, options) -> list[Row]:
    """Serve the database as staff: ranking pages, scores.xlsx of both calls, jury reports."""
    asyncio.run(forget(url, options.cold_rankings))
    env = environment(url)
    os.environ.update(env)
    log = Path(env["CHALLENGE_DATA_DIR"]) / "server.log"
    server, base = serve(env, log)
    rows: list[Row] = []
    cpu: dict[str, float] = {}  # the server's CPU milliseconds per view
    try:
        client = login(base, STAFF)
        if not options.cold_rankings:
            for slug in (NOW, PAST):
                client.get(f"/staff/calls/{slug}/results").raise_for_status()
        xlsx = [Row("staff", f"/api/v1/calls/{s}/scores.xlsx", True) for s in (NOW, PAST)]
        reports = [Row("staff", f"/api/v1/calls/{s}/jury-report.pdf", True) for s in (NOW, PAST)]
        for group in (reports, xlsx) if options.report_first else (xlsx, reports):
            for row in group:
                repeat = options.repeat if row in xlsx else 0  # a report's later views: stored
                spent = cpu_ms(server.pid)
                rows.append(measure(client, row, server.pid, repeat))
                views = repeat + 2 if row in xlsx else 1  # (a report: its first view)
                cpu[row.url] = (cpu_ms(server.pid) - spent) / views
        client.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    for block in server_errors(log):
        print(f"server error (log {log}):\n{block}\n")
    for url, ms in cpu.items():
        print(f"server CPU per view of {url}: {ms:.0f} ms")
    return rows


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.scale_exports")
    parser.add_argument("--repeat", type=int, default=7, help="scores.xlsx views after the first")
    parser.add_argument("--keep", action="store_true", help="keep the database (and data dir)")
    parser.add_argument("--database-url", help="reuse a kept database: no generation")
    parser.add_argument("--cold-rankings", action="store_true", help="empty the ranking cache")
    parser.add_argument("--report-first", action="store_true", help="reports before the xlsx")
    return parser.parse_args()


def main() -> None:
    options = arguments()
    url = options.database_url
    if url is None:
        name = f"scale_bench_{os.getpid()}"
        url = database_url(name)
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        if options.database_url is None:
            os.environ.update(environment(url))
            from challenge.settings import load_settings, prepare

            started = time.perf_counter()
            asyncio.run(generate(prepare(load_settings()), challenges=False))
            print(f"generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        print(f"database: {url}")
        rows = run(url, options)
        table(rows)
        over = [r for r in rows if (r.rss_mb or 0) > 50 or "xlsx" in r.url and r.p50 > 500]
        print(f"\nload average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print(f"Over target ({len(over)} of {len(rows)} rows):")
        for r in over:
            print(f"  {r.url}: p50 {r.p50:.0f} ms, RSS growth {r.rss_mb or 0:.0f} MB")
    finally:
        if options.database_url is None and not options.keep:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}" WITH (FORCE)'))
            shutil.rmtree(environment(url)["CHALLENGE_DATA_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
