"""A whole city's data on PostgreSQL (issue 25): every page each role can reach, and every
export, timed against a running portal, with the server's peak RSS growth during each export.

Generates the data of tests.benchmarks.scale_data into a fresh database (scale_bench_<pid>,
dropped afterwards unless --keep), starts `challenge serve --no-worker` on it (page cache off),
logs in as staff, a juror, an applicant, a partner, a unit member and finance (and stays
anonymous for the public), crawls each role's GET links from /dashboard (or /) and measures up
to two URLs per route pattern plus the important pages and exports by name. Prints one table
and the rows over the targets of issue 25 in the form `python -m tests.benchmarks` collects.

Run: python -m tests.benchmarks.scale [--challenges] [--repeat 7] [--keep]
     python -m tests.benchmarks.scale --database-url postgresql://…/scale_bench_123  (reuse)
The server is CHALLENGE_TEST_DATABASE_URL's (default postgresql://postgres@127.0.0.1:5432)."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from tests.benchmarks.scale_crawl import RoutePatterns, Row, crawl, is_export, measure, short
from tests.benchmarks.scale_data import CALLS, CHALLENGE_UNITS, generate
from tests.benchmarks.startup import free_port
from tests.support.servers import wait_until_ready

PG = (
    os.environ.get("CHALLENGE_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
)
NOW, PAST = (slug for slug, *_ in CALLS)
PASSWORD = "Leipzig-Demo-2026"  # the demo logins' password (challenge.demo.DEMO_PASSWORD)
ROLES = (
    ("staff", "staff@demo.leipzig.de"),
    ("juror", "m.vogt@htwk.example"),
    ("applicant", "team01@demo.leipzig.de"),
    ("partner", "alumni01@demo.leipzig.de"),
    ("unit", "stadtgruen@demo.leipzig.de"),
    ("finance", "finance@demo.leipzig.de"),
    ("public", None),
)
METHODS = ("mean", "median", "trimmed", "normalized")
EXPORTS = ("scores.csv", "scores.xlsx", "submissions.csv", "submissions.xlsx", "attachments.zip")
OPEN_DATA = (
    "ocds/release-package.json",
    "ocds/record-package.json",
    "payments.csv",
    "projects.csv",
)


def database_url(name: str) -> str:
    """PG's server with another database name."""
    parts = urlsplit(PG)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


async def admin(statement: str) -> None:
    """One statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    connection = await asyncpg.connect(database_url("postgres"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def environment(url: str) -> dict[str, str]:
    """The portal's settings for the database; its data folder is named after the database."""
    name = urlsplit(url).path.lstrip("/")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(
        CHALLENGE_DATABASE_URL=url,
        CHALLENGE_DATA_DIR=str(Path(tempfile.gettempdir()) / name),
        CHALLENGE_LOG_LEVEL="warning",
        CHALLENGE_PAGE_CACHE="false",
        # staff sign in with a password here: no authenticator app in a benchmark
        CHALLENGE_REQUIRE_2FA_INTERNAL="false",
    )
    return env


def ranking_pages(keys: list[str]) -> list[str]:
    """The staff ranking page: page 1, a later page, another method, and per challenge."""
    base = f"/staff/calls/{NOW}/results"
    pages = [base, f"{base}?page=2", f"{base}?page=20", f"{base}?method=normalized"]
    return pages + [f"{base}?challenge={key}" for key in keys] + [f"/staff/calls/{PAST}/results"]


def named(role: str, keys: list[str]) -> list[str]:
    """The pages and exports each role is measured on by name (besides the crawl)."""
    api = f"/api/v1/calls/{NOW}"
    if role == "staff":
        return [
            *ranking_pages(keys),
            *(f"{api}/ranking?method={m}" for m in METHODS),
            *(f"{api}/ranking?challenge={key}" for key in keys),
            *(
                f"/staff/calls/{slug}/{page}"
                for slug in (NOW, PAST)
                for page in ("jury", "submissions")
            ),
            f"/staff/calls/{NOW}/submissions?page=2",
            *(f"/staff/calls/{NOW}/submissions?challenge={key}" for key in keys),
            "/staff/partnerships",
            "/staff/funding",
            f"{api}/submissions",
            "/api/v1/partnerships",
            *(f"/api/v1/calls/{slug}/{name}" for slug in (NOW, PAST) for name in EXPORTS),
            f"{api}/jury-report.pdf",
        ]
    if role == "public":
        return [
            "/",
            *(f"/calls/{slug}" for slug in (NOW, PAST)),
            *(f"/calls/{NOW}/challenges/{key}" for key in keys),
            f"/calls/{PAST}/results",
            "/projects",
            "/opendata",
            "/api/v1/calls",
            *(f"/api/v1/opendata/{name}" for name in OPEN_DATA),
            f"/calls/{NOW}/call.pdf",
            f"/calls/{NOW}/dates.ics",
        ]
    extra = {
        "juror": ["/jury", f"/jury/calls/{NOW}", "/api/v1/jury/assignments"],
        "applicant": ["/me/submissions", "/api/v1/me/submissions"],
        "partner": ["/partner"],
        "unit": ["/unit/challenges"],
        "finance": ["/staff/funding", "/staff/partnerships", "/api/v1/funding"],
    }
    return extra[role]


def login(base: str, email: str | None) -> httpx.Client:
    """A client with the person's session (the login API with the CSRF cookie's token)."""
    client = httpx.Client(base_url=base, timeout=600)
    if email:
        client.get("/login")
        client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": PASSWORD},
            headers={"x-csrftoken": client.cookies["csrftoken"]},
        ).raise_for_status()
    return client


def measure_role(
    base: str, pid: int, role: str, email: str | None, options, patterns: RoutePatterns
) -> list[Row]:
    """The named URLs first (the ranking's first view stays cold), then the crawl's."""
    keys = [key for key, _ in CHALLENGE_UNITS] if options.challenges else []
    client = login(base, email)
    try:
        urls = named(role, keys)
        urls += [u for u in (["/"] if email is None else ["/dashboard", "/"]) if u not in urls]
        rows = [
            measure(client, Row(role, url, is_export(url)), pid, options.repeat) for url in urls
        ]
        for row in crawl(client, role, patterns, rows):
            rows.append(measure(client, row, pid, options.repeat))
        print(f"  {role}: {len(rows)} URLs", file=sys.stderr, flush=True)
    finally:
        client.close()
    return rows


def is_ranking_page(url: str) -> bool:
    path = urlsplit(url).path
    return (
        path.endswith("/results")
        and path.startswith("/staff/")
        or path.endswith("/ranking")
        and path.startswith("/unit/")
    )


def over_target(row: Row) -> list[str]:
    """The row's figures over issue 25's targets, as `<figure>: <value> (target <= …)`."""
    label, path = f"{row.role} {short(row.url)}", urlsplit(row.url).path
    kb = row.plain_bytes / 1024
    if row.export:
        limits = [(row.rss_mb or 0.0, 50, "RSS growth", "MB")]
        if path.endswith("scores.xlsx"):
            limits.append((row.p50, 500, "p50", "ms"))
    elif path.startswith("/api/"):
        limits = [(row.p50, 500, "p50", "ms")] if path.endswith("/ranking") else []
    else:
        time_limit = 150 if is_ranking_page(row.url) else 100
        limits = [(row.p50, time_limit, "p50", "ms"), (kb, 300, "size", "KB")]
    return [
        f"{label} {what}: {value:.0f} {unit} (target <= {limit} {unit})"
        for value, limit, what, unit in limits
        if value > limit
    ]


def table(rows: list[Row]) -> None:
    """One line per measured URL (first view apart; p50/p95 over the following views)."""
    print("| role | route | status | n | first ms | p50 ms | p95 ms | KB | KB gzip | ΔRSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        rss = "" if r.rss_mb is None else f"{r.rss_mb:.0f}"
        print(
            f"| {r.role} | {short(r.url)} | {r.status} | {len(r.times)} | {r.first_ms:.0f} | "
            f"{r.p50:.0f} | {r.p95:.0f} | {r.plain_bytes / 1024:.0f} | {r.gzip_bytes / 1024:.0f} | {rss} |"
        )


def server_errors(log: Path) -> list[str]:
    """Each traceback in the server's log once: its last lines."""
    text = log.read_text(errors="replace") if log.exists() else ""
    blocks, seen = [], set()
    for block in text.split("Traceback (most recent call last):")[1:]:
        lines = [line for line in block.strip().splitlines() if line.strip()]
        tail = "\n".join(lines[-8:])
        if lines and lines[-1] not in seen:
            seen.add(lines[-1])
            blocks.append(tail)
    return blocks


def serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    """`challenge serve --no-worker` on a free port, its output in the log file."""
    port = free_port()
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "challenge", "serve", "--no-worker", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    wait_until_ready(base)
    return server, base


def run(url: str, options) -> list[Row]:
    """Serve the database and measure every role; the server's errors printed at the end."""
    env = environment(url)
    os.environ.update(env)
    log = Path(env["CHALLENGE_DATA_DIR"]) / "server.log"
    patterns = RoutePatterns.of_portal()
    server, base = serve(env, log)
    try:
        rows = []
        for role, email in ROLES:
            if not options.roles or role in options.roles.split(","):
                rows += measure_role(base, server.pid, role, email, options, patterns)
    finally:
        server.terminate()
        server.wait(timeout=30)
    for block in server_errors(log):
        print(f"server error (log {log}):\n{block}\n")
    return rows


def report(rows: list[Row], variant: str) -> None:
    """The table, the rows that did not answer 200, and the figures over target."""
    table(rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average at the end (1, 5, 15 min; {os.cpu_count()} cores): {load}")
    failed = [r for r in rows if r.status != 200]
    print(f"\nNot 200 ({len(failed)}):")
    for r in failed:
        print(f"  {r.role} {short(r.url)} -> {r.status}")
    over = [line for row in rows if row.status == 200 for line in over_target(row)]
    print(f"\nOver target ({len(over)} of {len(rows)} rows, {variant}):")
    for line in over:
        print(f"{variant} {line}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.scale")
    parser.add_argument("--challenges", action="store_true", help="3 challenges per call")
    parser.add_argument("--repeat", type=int, default=7, help="views per URL after the first")
    parser.add_argument("--keep", action="store_true", help="keep the database (and data dir)")
    parser.add_argument("--database-url", help="reuse a kept database: no generation")
    parser.add_argument("--roles", default="", help="only these roles (comma-separated)")
    return parser.parse_args()


def main() -> None:
    options = arguments()
    variant = "3 challenges" if options.challenges else "2 calls"
    url = options.database_url
    if url is None:
        name = f"scale_bench_{os.getpid()}{'_challenges' if options.challenges else ''}"
        url = database_url(name)
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        if options.database_url is None:
            env = environment(url)
            os.environ.update(env)
            from challenge.settings import load_settings, prepare

            started = time.perf_counter()
            phases = asyncio.run(generate(prepare(load_settings()), challenges=options.challenges))
            parts = ", ".join(f"{k} {v:.0f} s" for k, v in phases.items())
            print(f"generated ({variant}) in {time.perf_counter() - started:.0f} s: {parts}")
        print(f"database: {url}")
        report(run(url, options), variant)
    finally:
        if options.database_url is None and not options.keep:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{urlsplit(url).path[1:]}" WITH (FORCE)'))
            shutil.rmtree(environment(url)["CHALLENGE_DATA_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
