"""Call page throughput, one applicant's flow, and the deadline rush (issue 5 figures).

Run: python -m tests.benchmarks.submissions   (SQLite; set CHALLENGE_TEST_DATABASE_URL for
PostgreSQL). Needs `wrk` for the page throughput (Debian package), else that part is skipped
with a message.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tests.benchmarks.documents import start_server
from tests.support.applicant_flow import log_in, submit_proposal
from tests.support.databases import create_database, drop_database
from tests.support.files import pdf

PASSWORD = "Benchmark-Passwort-2026"
RUSH = 200
MB = 1024 * 1024


async def prepare(env: dict) -> str:
    """Migrate, then insert a call and RUSH + 30 applicants with teams directly (fast)."""
    os.environ.update(env)
    from challenge import db
    from challenge.calls.tables import Call
    from challenge.organisations.tables import Membership, Organisation
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import User
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        now = datetime.now(UTC)
        await Call(
            slug="rush",
            title="Ansturm",
            summary="Benchmark",
            description="## Ziel\n\nViele Vorschläge.",
            status="published",
            categories=["A"],
            questions=[],
            criteria=[],
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
            budget_cents=1,
            created_at=now,
            document_rules={
                "max_files": 3,
                "max_bytes": 5 * MB,
                "allowed_types": ["application/pdf"],
            },
        ).save()
        password_hash = hash_password(PASSWORD)
        for n in range(RUSH + 30):
            user = User(
                email=f"b{n}@example.org",
                name=f"B {n}",
                password_hash=password_hash,
                email_verified_at=now,
            )
            await user.save()
            team = Organisation(name=f"Team {n}", kind="startup", created_at=now)
            await team.save()
            await Membership(
                organisation=team.id, user=user.id, role="owner", created_at=now
            ).save()
    return "rush"


async def login(base: str, n: int) -> tuple[httpx.AsyncClient, str]:
    return await log_in(base, f"b{n}@example.org", PASSWORD, f"10.0.{n // 250}.{n % 250}")


async def flow(client: httpx.AsyncClient, team: str, content: bytes) -> float:
    """Create a draft, upload a 1 MB PDF, submit: the applicant's whole flow, in ms."""
    started = time.perf_counter()
    await submit_proposal(client, "rush", team, content)
    return (time.perf_counter() - started) * 1000


def wrk(url: str) -> float | None:
    if not shutil.which("wrk"):
        return None
    out = subprocess.run(["wrk", "-t2", "-c8", "-d8s", url], capture_output=True, text=True).stdout
    return float(
        next(line for line in out.splitlines() if line.startswith("Requests/sec")).split()[1]
    )


async def main() -> None:
    engine = "postgresql" if os.environ.get("CHALLENGE_TEST_DATABASE_URL") else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        url = create_database(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
        env.update(
            CHALLENGE_DATA_DIR=str(Path(tmp) / "var"),
            CHALLENGE_DATABASE_URL=url,
            CHALLENGE_TRUSTED_PROXIES="127.0.0.1",
            CHALLENGE_LOG_LEVEL="warning",
        )
        try:
            await prepare(env)
            results = {}
            for cache in ("true", "false"):
                server, base = start_server({**env, "CHALLENGE_PAGE_CACHE": cache})
                try:
                    results[cache] = wrk(f"{base}/calls/rush")
                finally:
                    server.terminate()
                    server.wait(timeout=10)
            server, base = start_server(env)
            try:
                content = pdf(size=MB)
                single = []
                for n in range(RUSH, RUSH + 30):
                    client, team = await login(base, n)
                    single.append(await flow(client, team, content))
                    await client.aclose()
                clients = [await login(base, n) for n in range(RUSH)]
                errors = 0
                started = time.perf_counter()
                outcomes = await asyncio.gather(
                    *(flow(c, t, content) for c, t in clients), return_exceptions=True
                )
                elapsed = time.perf_counter() - started
                times = sorted(o for o in outcomes if isinstance(o, float))
                failures = [o for o in outcomes if not isinstance(o, float)]
                errors = len(failures)
                for failure in failures[:3]:
                    detail = getattr(getattr(failure, "response", None), "text", "")[:300]
                    print("error:", type(failure).__name__, failure, detail)
                for client, _ in clients:
                    await client.aclose()
            finally:
                server.terminate()
                server.wait(timeout=10)
            from challenge.submissions.tables import Submission

            stored = await Submission.count().where(Submission.status == "submitted")
            references = {r["reference"] for r in await Submission.select(Submission.reference)}
        finally:
            drop_database(url)
    print(f"engine: {engine}")
    for cache, rate in results.items():
        label = "cached 5 s for anonymous visitors" if cache == "true" else "rendered every time"
        print(
            f"call page, 8 clients ({label}): "
            + (f"{rate:.0f} req/s" if rate else "wrk not installed")
            + "   target >= 600"
        )
    print(
        f"applicant flow (draft, 1 MB PDF, submit): median {statistics.median(single):.0f} ms   target <= 120 ms"
    )
    print(
        f"deadline rush: {RUSH} flows at once in {elapsed:.1f} s ({RUSH / elapsed:.1f} flows/s), "
        f"p50 {times[len(times) // 2]:.0f} ms, p99 {times[int(len(times) * 0.99) - 1]:.0f} ms, errors {errors}, "
        f"stored {stored} submitted (expected {RUSH + 30}), unique references {len(references - {None})}"
    )


if __name__ == "__main__":
    asyncio.run(main())
