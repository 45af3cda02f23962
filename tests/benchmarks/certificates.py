"""Certificates for 200 awarded entries (German and English: 400 PDFs) as a background job in
the embedded single-process mode (`challenge serve` runs the worker), while a staff member keeps
loading pages: total job time (target <= 20 s) and page latency meanwhile.

Run: python -m tests.benchmarks.certificates   (CHALLENGE_TEST_DATABASE_URL for PostgreSQL)"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from tests.benchmarks.documents import login
from tests.benchmarks.portal import engine_name, median_ms, temporary_portal

PASSWORD = "Benchmark-Passwort-2026"
WINNERS = 200


async def prepare() -> None:
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
        call = Call(
            slug="urkunden",
            title="Smart City Challenge 2026: Klimaanpassung",
            status="results_published",
            opens_at=now - timedelta(days=90),
            closes_at=now - timedelta(days=30),
            created_at=now,
            budget_cents=WINNERS * 10_000_00,
            results_published_at=now,
        )
        await call.save()
        staff = User(
            email="staff@example.org",
            name="Staff",
            password_hash=hash_password(PASSWORD),
            email_verified_at=now,
        )
        await staff.save()
        await RoleGrant(user=staff.id, role="staff").save()
        for n in range(WINNERS):
            team = Organisation(name=f"Team Nummer {n} GmbH", kind="startup", created_at=now)
            await team.save()
            submission = Submission(
                id=uuid.uuid4(),
                call=call.id,
                organisation=team.id,
                title=f"Vorschlag {n}: Kühle Wege",
                status="submitted",
                reference=f"SCC-2026-{n:04d}",
                created_at=now,
            )
            await submission.save()
            await Decision(
                call=call.id,
                submission=submission.id,
                outcome="winner" if n % 3 else "runner_up",
                award_cents=10_000_00,
                rationale="Überzeugend",
                created_at=now,
            ).save()


async def main() -> None:
    async with temporary_portal(
        prepare, worker=True
    ) as base:  # the embedded mode: the worker in the server
        client = await login(base, "staff@example.org")
        try:
            idle, _response = await median_ms(
                client, "/staff/calls/urkunden/results/certificates", runs=10
            )
            started = time.perf_counter()
            job = (
                await client.post(
                    "/api/v1/calls/urkunden/certificates",
                    headers={"x-csrftoken": client.cookies["csrftoken"]},
                )
            ).json()
            busy = []
            while True:
                t0 = time.perf_counter()
                (
                    await client.get("/staff/calls/urkunden/results/certificates")
                ).raise_for_status()  # what the page polls
                busy.append((time.perf_counter() - t0) * 1000)
                status = (await client.get(f"/api/v1/jobs/{job['id']}")).json()
                if status["status"] in ("done", "failed"):
                    break
                await asyncio.sleep(0.25)
            total = time.perf_counter() - started
        finally:
            await client.aclose()
    print(
        f"Certificates for {WINNERS} awarded entries ({status['done']} PDFs, de + en), {engine_name()}, "
        f"embedded worker: {total:.1f} s (target <= 20 s), job {status['status']}"
    )
    print(
        f"  progress fragment while idle: median {idle:.0f} ms; while the job runs: "
        f"median {statistics.median(busy):.0f} ms, max {max(busy):.0f} ms over {len(busy)} polls"
    )


if __name__ == "__main__":
    asyncio.run(main())
