"""The request path against the framework's ceiling, side by side in one run (issue 25):

1. the public call page (three challenges), rendered every time (no page cache), on SQLite and on
   PostgreSQL, each one process, against a minimal Litestar + Jinja app serving the same HTML
   (tests/benchmarks/ceiling_app.py) — rounds interleaved, medians of req/s (wrk -t2 -c8) —
   and between the two the portal's floor (tests/benchmarks/floor_app.py: every middleware, a
   fixed text) and the call page served from the anonymous page cache;
2. signed-in pages with the demo data, p50 per page on each engine, and SQLite's over
   PostgreSQL's;
3. the call page on PostgreSQL with `serve --workers 2` against one process.

Run: python -m tests.benchmarks.request_path   (needs wrk and the local PostgreSQL; ~4 minutes).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.benchmarks.documents import start_server
from tests.benchmarks.startup import free_port
from tests.benchmarks.submissions import wrk
from tests.support.databases import _in_thread, _with_database, drop_database

PG = (
    os.environ.get("CHALLENGE_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
)
ROUNDS = 3
SIGNED_IN = {
    "staff@demo.leipzig.de": [
        "/dashboard",
        "/staff/calls",
        "/staff/calls/klimaanpassung-im-quartier/submissions",
        "/staff/calls/klimaanpassung-im-quartier/jury",
        "/staff/partnerships",
    ],
    "team01@demo.leipzig.de": ["/dashboard", "/me/submissions", "/teams"],
    "m.vogt@htwk.example": ["/dashboard", "/jury"],
}


def _databases(tmp: Path) -> dict[str, str]:
    import asyncpg

    name = f"request_path_{os.getpid()}"

    async def create() -> None:
        conn = await asyncpg.connect(_with_database(PG, "postgres"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    _in_thread(create)
    return {"sqlite": f"sqlite:///{tmp / 'bench.sqlite3'}", "postgresql": _with_database(PG, name)}


def _environment(tmp: Path, engine: str, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(
        CHALLENGE_DATA_DIR=str(tmp / engine),
        CHALLENGE_DATABASE_URL=url,
        CHALLENGE_LOG_LEVEL="warning",
        CHALLENGE_PAGE_CACHE="false",
        # staff sign in with a password here: no authenticator app in a benchmark
        CHALLENGE_REQUIRE_2FA_INTERNAL="false",
    )
    return env


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def _serve_page(module: str, html: str, tmp: Path, env: dict | None = None):
    """Start tests.benchmarks.<module> serving ``html``; its URL once it answers."""
    page = tmp / "page.html"
    page.write_text(html, encoding="utf-8")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", f"tests.benchmarks.{module}", str(page), str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/" + ("page" if module == "ceiling_app" else "floor")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"{module} did not start")


def _signed_in_p50(base: str) -> dict[str, float]:
    """p50 in ms of each signed-in page (20 requests after 3 to warm up)."""
    from challenge.demo import DEMO_PASSWORD

    medians = {}
    for email, paths in SIGNED_IN.items():
        with httpx.Client(base_url=base, timeout=60) as client:
            client.get("/login")
            client.post(
                "/api/v1/auth/login",
                json={"email": email, "password": DEMO_PASSWORD},
                headers={"x-csrftoken": client.cookies["csrftoken"]},
            ).raise_for_status()
            for path in paths:
                times = []
                for n in range(23):
                    start = time.perf_counter()
                    response = client.get(path)
                    if n >= 3:
                        times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
                medians[f"{email.split('@')[0]} {path}"] = statistics.median(times)
    return medians


def _call_page_rates(bases: dict[str, str]) -> dict[str, float]:
    rates: dict[str, list[float]] = {name: [] for name in bases}
    for _ in range(ROUNDS):
        for name, url in bases.items():
            rates[name].append(wrk(url) or 0.0)
    return {name: statistics.median(values) for name, values in rates.items()}


def _report(rates: dict[str, float], signed_in: dict[str, dict[str, float]], workers: dict):
    ceiling = rates["ceiling"]
    print(f"framework ceiling (minimal Litestar + Jinja, same HTML): {ceiling:.0f} req/s")
    print(
        f"portal floor (every middleware, a fixed HTML text, PostgreSQL): {rates['floor']:.0f} "
        f"req/s = {100 * rates['floor'] / ceiling:.0f} % of the ceiling"
    )
    print(
        f"call page from the anonymous page cache, PostgreSQL: {rates['cached']:.0f} req/s = "
        f"{100 * rates['cached'] / ceiling:.0f} % of the ceiling"
    )
    for engine, target in (("postgresql", 50), ("sqlite", 30)):
        share = 100 * rates[engine] / ceiling
        print(
            f"call page uncached, {engine}: {rates[engine]:.0f} req/s = {share:.0f} % of the "
            f"ceiling: {share:.0f} % (target >= {target} %)"
        )
    ratios = []
    for page, pg in signed_in["postgresql"].items():
        sq = signed_in["sqlite"][page]
        ratios.append(sq / pg)
        print(f"signed in {page}: SQLite {sq:.1f} ms, PostgreSQL {pg:.1f} ms ({sq / pg:.2f}x)")
    print(
        f"signed-in pages, SQLite p50 over PostgreSQL p50, worst: {max(ratios):.2f} (target <= 1.5)"
    )
    print(
        f"call page on PostgreSQL, serve --workers 2 / one process: {workers[2]:.0f} / "
        f"{workers[1]:.0f} req/s = {workers[2] / workers[1]:.2f}x"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        urls = _databases(tmp)
        servers = []
        try:
            envs = {engine: _environment(tmp, engine, url) for engine, url in urls.items()}
            for env in list(envs.values()):
                # a process per engine: migrations bind their tables to the engine of the
                # process's first run
                subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        "import asyncio, os; from tests.benchmarks."
                        "challenge_call_page import prepare; asyncio.run(prepare(dict(os.environ)))",
                    ],
                    env=env,
                    check=True,
                )
                subprocess.run(
                    [sys.executable, "-m", "challenge", "demo"],
                    env=env,
                    check=True,
                    capture_output=True,
                )
            bases = {}
            for engine, env in envs.items():
                server, base = start_server(env)
                servers.append(server)
                bases[engine] = base
            server, cached_base = start_server(
                {**envs["postgresql"], "CHALLENGE_PAGE_CACHE": "true"}
            )
            servers.append(server)
            html = httpx.get(f"{bases['postgresql']}/calls/challenges").text
            ceiling, ceiling_url = _serve_page("ceiling_app", html, tmp)
            servers.append(ceiling)
            floor, floor_url = _serve_page("floor_app", html, tmp, envs["postgresql"])
            servers.append(floor)
            if wrk(ceiling_url) is None:
                print("wrk not installed: no figures")
                return
            rates = _call_page_rates(
                {
                    "ceiling": ceiling_url,
                    "floor": floor_url,
                    "cached": f"{cached_base}/calls/challenges",
                    **{engine: f"{base}/calls/challenges" for engine, base in bases.items()},
                }
            )
            signed_in = {engine: _signed_in_p50(base) for engine, base in bases.items()}
            for server in servers:
                _stop(server)
            servers = []
            workers = {}
            for count in (1, 2):
                server, base = start_server(envs["postgresql"], "--workers", str(count))
                servers.append(server)
                workers[count] = statistics.median(
                    wrk(f"{base}/calls/challenges") or 0.0 for _ in range(ROUNDS)
                )
                _stop(servers.pop())
            _report(rates, signed_in, workers)
        finally:
            for server in servers:
                _stop(server)
            drop_database(urls["postgresql"])


if __name__ == "__main__":
    main()
