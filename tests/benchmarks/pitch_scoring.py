"""Pitch scoring screen: median server time for a juror to load one team's slot on the tablet
screen (target <= 30 ms on PostgreSQL). Run: python -m tests.benchmarks.pitch_scoring (SQLite;
CHALLENGE_TEST_DATABASE_URL for PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import msgspec

from tests.benchmarks.documents import start_server
from tests.support.databases import create_database, drop_database

PASSWORD = "Benchmark-Passwort-2026"
CHALLENGES = 4
TEAMS = 3  # per challenge: twelve slots
PASSES = 5


async def _world(now: datetime):
    from challenge.calls.tables import Call
    from challenge.challenges.tables import Challenge, Unit

    call = Call(
        slug="pitch",
        title="Pitch",
        status="results_published",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
        results_published_at=now - timedelta(days=50),
        criteria=[{"key": "c", "name": "K", "weight": 1, "scale_min": 0, "scale_max": 10}],
        created_at=now,
        budget_cents=1,
    )
    await call.save()
    unit = Unit(name="Amt", kind="city_office", created_at=now)
    await unit.save()
    challenges = []
    for n in range(CHALLENGES):
        challenge = Challenge(
            call=call.id,
            unit=unit.id,
            key=f"c{n}",
            title=f"Aufgabe {n}",
            problem="Problem",
            status="approved",
            position=n,
            created_at=now,
        )
        await challenge.save()
        challenges.append(challenge.id)
    return call, challenges


async def prepare() -> None:
    from challenge import db
    from challenge.jury.tables import Assignment, Juror, Round, RoundEntry
    from challenge.organisations.tables import Organisation
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import User
    from challenge.results.tables import Decision
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings
    from challenge.submissions.tables import Submission
    from partnerships.development.pitch.services import default_criteria
    from partnerships.development.tables import PitchEvent, PitchSlot

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        now = datetime.now(UTC)
        call, challenges = await _world(now)
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
            rounds=[1, 2],
            invited_at=now,
            accepted_at=now,
            declaration_completed_at=now,
        ).save()
        round_ = Round(
            call=call.id,
            number=2,
            name="Pitch",
            criteria=msgspec.to_builtins(default_criteria()),
            event_at=now + timedelta(days=3),
            created_at=now,
        )
        await round_.save()
        event = PitchEvent(
            call=call.id, starts_at=now + timedelta(days=3), place="Rathaus", created_at=now
        )
        await event.save()
        position = 0
        for challenge in challenges:
            for _n in range(TEAMS):
                team = Organisation(name=f"Team {position}", kind="startup", created_at=now)
                await team.save()
                submission = Submission(
                    call=call.id,
                    organisation=team.id,
                    challenge=challenge,
                    title=f"Vorschlag {position}",
                    status="submitted",
                    reference=f"SCC-2026-{position:04d}",
                    created_at=now,
                )
                await submission.save()
                await Decision(
                    call=call.id, submission=submission.id, outcome="development", created_at=now
                ).save()
                await RoundEntry(round=round_.id, submission=submission.id, created_at=now).save()
                await Assignment(
                    round=round_.id, juror=juror.id, submission=submission.id, created_at=now
                ).save()
                await PitchSlot(
                    event=event.id,
                    submission=submission.id,
                    position=position + 1,
                    starts_at=now + timedelta(days=3, minutes=20 * position),
                    minutes=20,
                ).save()
                position += 1


async def measure(base: str) -> tuple[list[float], list[float]]:
    async with httpx.AsyncClient(base_url=base) as client:
        await client.get("/login")
        (
            await client.post(
                "/api/v1/auth/login",
                json={"email": "juror@example.org", "password": PASSWORD},
                headers={"x-csrftoken": client.cookies["csrftoken"]},
            )
        ).raise_for_status()
        loads = []
        slots = CHALLENGES * TEAMS
        for _ in range(PASSES):
            for position in range(1, slots + 1):
                started = time.perf_counter()
                response = await client.get(f"/jury/calls/pitch/pitch?entry={position}")
                response.raise_for_status()
                loads.append((time.perf_counter() - started) * 1000)
        assert "Reifegrad" in response.text
        baseline = []
        for _ in range(slots * (PASSES - 1)):
            started = time.perf_counter()
            (await client.get("/jury")).raise_for_status()
            baseline.append((time.perf_counter() - started) * 1000)
        return loads[slots:], baseline  # the first pass warms up


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
            await prepare()
            server, base = start_server(env)
            try:
                loads, baseline = await measure(base)
            finally:
                server.terminate()
                server.wait(timeout=10)
        finally:
            drop_database(url)
    print(f"engine: {engine}")
    print(f"pitch scoring screen load: median {statistics.median(loads):.1f} ms   target <= 30 ms")
    # for comparison on a busy machine: the juror's plain overview page (no figure of its own)
    print(
        f"(juror overview page /jury on the same server: median {statistics.median(baseline):.1f} ms)"
    )


if __name__ == "__main__":
    asyncio.run(main())
