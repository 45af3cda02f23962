"""Scoring screen: median server time to load an entry and to save a draft review (target
<= 30 ms each). Run: python -m tests.benchmarks.jury (SQLite; CHALLENGE_TEST_DATABASE_URL for PG)."""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tests.benchmarks.documents import start_server
from tests.support.databases import create_database, drop_database

PASSWORD = "Benchmark-Passwort-2026"
ENTRIES = 20


async def prepare() -> list[str]:
    from challenge import db
    from challenge.calls.tables import Call
    from challenge.jury.services import round_of
    from challenge.jury.tables import Assignment, Juror
    from challenge.organisations.tables import Organisation
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import User
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings
    from challenge.submissions.tables import Submission

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        now = datetime.now(UTC)
        criteria = [
            {"key": f"c{n}", "name": f"Kriterium {n}", "weight": 1, "scale_min": 0, "scale_max": 10}
            for n in range(6)
        ]
        call = Call(
            slug="jury",
            title="Jury",
            status="published",
            opens_at=now - timedelta(days=9),
            closes_at=now - timedelta(days=1),
            criteria=criteria,
            created_at=now,
            budget_cents=1,
            jury_ends_at=now + timedelta(days=9),
            questions=[{"key": "problem", "label": "Problem", "type": "long_text"}],
        )
        await call.save()
        juror = User(
            email="juror@example.org",
            name="Jury",
            password_hash=hash_password(PASSWORD),
            email_verified_at=now,
        )
        await juror.save()
        await Juror(
            call=call.id,
            user=juror.id,
            invited_at=now,
            accepted_at=now,
            declaration_completed_at=now,
        ).save()
        round_ = await round_of(
            await Call.select().output(load_json=True).where(Call.id == call.id).first()
        )
        ids = []
        for n in range(ENTRIES):
            team = Organisation(name=f"Team {n}", kind="startup", created_at=now)
            await team.save()
            submission = Submission(
                call=call.id,
                organisation=team.id,
                title=f"Vorschlag {n}",
                summary="Kurz " * 50,
                status="submitted",
                reference=f"SCC-2026-{n:04d}",
                created_at=now,
                answers={"problem": "Langer Text " * 200},
            )
            await submission.save()
            await Assignment(
                round=round_["id"], juror=juror.id, submission=submission.id, created_at=now
            ).save()
            ids.append(str(submission.id))
    return ids


async def main() -> None:
    engine = "postgresql" if os.environ.get("CHALLENGE_TEST_DATABASE_URL") else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        url = create_database(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
        env.update(
            CHALLENGE_DATA_DIR=str(Path(tmp) / "var"),
            CHALLENGE_DATABASE_URL=url,
            CHALLENGE_LOG_LEVEL="warning",
        )
        os.environ.update(env)
        try:
            ids = await prepare()
            server, base = start_server(env)
            try:
                async with httpx.AsyncClient(base_url=base) as client:
                    await client.get("/login")
                    await client.post(
                        "/api/v1/auth/login",
                        json={"email": "juror@example.org", "password": PASSWORD},
                        headers={"x-csrftoken": client.cookies["csrftoken"]},
                    )
                    token = {"x-csrftoken": client.cookies["csrftoken"]}
                    loads, saves = [], []
                    for _ in range(3):
                        for sid in ids:
                            started = time.perf_counter()
                            (await client.get(f"/jury/reviews/{sid}")).raise_for_status()
                            loads.append((time.perf_counter() - started) * 1000)
                            started = time.perf_counter()
                            (
                                await client.put(
                                    f"/api/v1/jury/reviews/{sid}",
                                    headers=token,
                                    json={
                                        "round": 1,
                                        "scores": {
                                            f"c{n}": (n + len(saves)) % 11 for n in range(6)
                                        },
                                        "comment": "Entwurf",
                                    },
                                )
                            ).raise_for_status()
                            saves.append((time.perf_counter() - started) * 1000)
            finally:
                server.terminate()
                server.wait(timeout=10)
        finally:
            drop_database(url)
    print(f"engine: {engine}")
    print(
        f"scoring screen load: median {statistics.median(loads[ENTRIES:]):.1f} ms   target <= 30 ms"
    )
    print(
        f"draft review save:   median {statistics.median(saves[ENTRIES:]):.1f} ms   target <= 30 ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
