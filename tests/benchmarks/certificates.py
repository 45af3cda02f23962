"""Certificates for 200 awarded entries (German and English: 400 PDFs) as a background job in
the embedded single-process mode (`challenge serve` runs the worker), while a staff member keeps
loading pages: total job time (target <= 20 s) and page latency meanwhile.

Run: python -m tests.benchmarks.certificates   (CHALLENGE_TEST_DATABASE_URL for PostgreSQL)"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tests.benchmarks.documents import login
from tests.benchmarks.startup import free_port
from tests.support.databases import create_database, drop_database

PASSWORD = "Benchmark-Passwort-2026"
WINNERS = 200


async def prepare() -> str:
    from challenge import db
    from challenge.calls.tables import Call
    from challenge.organisations.tables import Organisation
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import RoleGrant, User
    from challenge.results.tables import Decision
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings
    from challenge.submissions.tables import Submission

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        now = datetime.now(UTC)
        call = Call(slug="urkunden", title="Smart City Challenge 2026: Klimaanpassung", status="results_published",
                    opens_at=now - timedelta(days=90), closes_at=now - timedelta(days=30), created_at=now,
                    budget_cents=WINNERS * 10_000_00, results_published_at=now)
        await call.save()
        staff = User(email="staff@example.org", name="Staff", password_hash=hash_password(PASSWORD), email_verified_at=now)
        await staff.save()
        await RoleGrant(user=staff.id, role="staff").save()
        for n in range(WINNERS):
            team = Organisation(name=f"Team Nummer {n} GmbH", kind="startup", created_at=now)
            await team.save()
            submission = Submission(id=uuid.uuid4(), call=call.id, organisation=team.id, title=f"Vorschlag {n}: Kühle Wege",
                                    status="submitted", reference=f"SCC-2026-{n:04d}", created_at=now)
            await submission.save()
            await Decision(call=call.id, submission=submission.id, outcome="winner" if n % 3 else "runner_up",
                           award_cents=10_000_00, rationale="Überzeugend", created_at=now).save()
    return "urkunden"


async def main() -> None:
    engine = "postgresql" if os.environ.get("CHALLENGE_TEST_DATABASE_URL") else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        url = create_database(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
        env.update(CHALLENGE_DATA_DIR=str(Path(tmp) / "var"), CHALLENGE_DATABASE_URL=url, CHALLENGE_LOG_LEVEL="warning")
        os.environ.update(env)
        try:
            slug = await prepare()
            port = free_port()
            server = subprocess.Popen([sys.executable, "-m", "challenge", "serve", "--port", str(port)],  # with worker
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            base = f"http://127.0.0.1:{port}"
            try:
                for _ in range(200):
                    try:
                        if httpx.get(f"{base}/readyz").status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    time.sleep(0.05)
                client = await login(base, "staff@example.org")
                try:
                    idle = []
                    for _ in range(10):
                        started = time.perf_counter()
                        (await client.get(f"/staff/calls/{slug}/results/certificates")).raise_for_status()
                        idle.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    job = (await client.post(f"/api/v1/calls/{slug}/certificates",
                                             headers={"x-csrftoken": client.cookies["csrftoken"]})).json()
                    busy = []
                    while True:
                        t0 = time.perf_counter()
                        fragment = await client.get(f"/staff/calls/{slug}/results/certificates")  # what the page polls
                        busy.append((time.perf_counter() - t0) * 1000)
                        fragment.raise_for_status()
                        status = (await client.get(f"/api/v1/jobs/{job['id']}")).json()
                        if status["status"] in ("done", "failed"):
                            break
                        await asyncio.sleep(0.25)
                    total = time.perf_counter() - started
                finally:
                    await client.aclose()
            finally:
                server.terminate()
                server.wait()
            print(f"Certificates for {WINNERS} awarded entries ({status['done']} PDFs, de + en), {engine}, "
                  f"embedded worker: {total:.1f} s (target <= 20 s), job {status['status']}")
            print(f"  progress fragment while idle: median {statistics.median(idle):.0f} ms; while the job runs: "
                  f"median {statistics.median(busy):.0f} ms, max {max(busy):.0f} ms over {len(busy)} polls")
        finally:
            drop_database(url)


if __name__ == "__main__":
    asyncio.run(main())
