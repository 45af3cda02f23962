"""Faults production brings, checked without waiting: a dropped database connection answers
503 database_unavailable with Retry-After (never 500); /healthz fails once no connection could
be had for the liveness window (injected clock); /readyz reports a nearly full disk; leases
are short and extended by a heartbeat, so a dead worker's mails and jobs are taken over
within a minute; a job cut off by a database fault resumes on the next poll; an unreachable
mail server is retried within half a minute and never given up."""

import logging
import random
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from litestar import get

from challenge.platform.dbfaults import alive
from challenge.platform.jobs import service as jobs
from challenge.platform.jobs.tables import Job
from challenge.platform.mail import worker as mail
from challenge.platform.mail.outbox import enqueue
from challenge.platform.mail.tables import OutboxMail
from challenge.platform.piccolo_postgres import HealingPostgresEngine
from tests.challenge.platform.mail.test_mail import TEMPLATES
from tests.conftest import make_settings, other_app
from tests.support.domains import add_domain

DOWN_URL = "postgresql://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1


@get("/api/v1/test-dropped-connection", opt={"exclude_from_auth": True}, sync_to_thread=False)
def api_dropped() -> dict:
    raise asyncpg.exceptions.ConnectionDoesNotExistError(
        "connection was closed in the middle of operation"
    )


@get("/test-dropped-connection", opt={"exclude_from_auth": True}, sync_to_thread=False)
def page_dropped() -> dict:
    raise asyncpg.exceptions.InterfaceError("connection is closed")


async def test_a_dropped_connection_answers_503_with_retry_after_not_500(app, settings, caplog):
    caplog.set_level(logging.WARNING, logger="challenge.errors")
    async with other_app(app, settings, extra_route_handlers=[api_dropped, page_dropped]) as client:
        api = await client.get("/api/v1/test-dropped-connection")
        page = await client.get("/test-dropped-connection", headers={"Accept-Language": "de"})
    assert api.status_code == 503 and api.headers["retry-after"]
    assert api.headers["content-type"].startswith("application/problem+json")
    assert api.json()["code"] == "database_unavailable"
    assert page.status_code == 503 and page.headers["retry-after"]
    assert page.headers["content-type"].startswith("text/html")
    assert "ConnectionDoesNotExistError" in caplog.text  # the cause is logged


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_liveness_fails_once_no_connection_could_be_had_for_the_window():
    clock = Clock()
    engine = HealingPostgresEngine(config={"dsn": DOWN_URL, "timeout": 1}, clock=clock)
    assert await alive(engine, 30)  # just started: within the window
    clock.now += 20
    assert await alive(engine, 30)  # the database is away, but not for long enough
    clock.now += 11
    assert not await alive(engine, 30)  # 31 s without a connection: restart me


async def test_healthz_answers_503_when_the_database_stayed_away_for_the_window(app, tmp_path):
    settings = make_settings(tmp_path / "data", DOWN_URL, liveness_seconds="30")
    async with other_app(app, settings) as client:
        engine = client._transport.app.state.engine
        clock = Clock()
        engine.clock, engine.last_acquired = clock, clock.now
        assert (await client.get("/healthz")).status_code == 200
        clock.now += 31
        response = await client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}


async def test_healthz_stays_200_while_the_database_answers(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}


async def test_readyz_is_not_ready_when_the_disk_is_nearly_full(app, settings, tmp_path, caplog):
    full = make_settings(settings.data_dir, settings.database_url, disk_min_free_mb="10000000")
    caplog.set_level(logging.WARNING)
    async with other_app(app, full, ip="127.0.0.1") as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["disk"].startswith("low:")
    assert "CHALLENGE_DISK_MIN_FREE_MB" in caplog.text


# --- leases and heartbeats -------------------------------------------------------------------


async def _pending_job() -> Job:
    await Job.update({Job.status: "done"}).where(Job.status.is_in(["pending", "running"]))
    job = Job(
        kind="certificates",
        subject=f"call:{random.random()}",
        payload={"call": "0" * 32},
        created_at=datetime.now(UTC),
    )
    await job.save()
    return job


async def test_a_dead_workers_job_is_taken_over_within_a_minute_unless_its_heartbeat_extends_it(
    app,
):
    job = await _pending_job()
    start = datetime.now(UTC)
    assert await jobs._claim("worker-a", start) == job.id
    assert await jobs._claim("worker-b", start + timedelta(seconds=20)) is None
    await jobs.extend_lease(
        job.id, "worker-a", start + timedelta(seconds=25) + jobs.LEASE
    )  # a heartbeat
    assert await jobs._claim("worker-b", start + timedelta(seconds=40)) is None
    # worker-a died: no more heartbeats; within a minute of its last one, worker-b has the job
    assert await jobs._claim("worker-b", start + timedelta(seconds=25 + 31)) == job.id
    await Job.update({Job.status: "done"}).where(Job.id == job.id)


async def test_a_job_cut_off_by_a_database_fault_resumes_on_the_next_poll(
    app, settings, monkeypatch
):
    job = await _pending_job()
    calls = []

    async def flaky(settings, job, progress):
        calls.append(job["id"])
        await progress(len(calls), 2)
        if len(calls) == 1:
            raise asyncpg.exceptions.ConnectionDoesNotExistError(
                "connection was closed in the middle of operation"
            )

    add_domain(monkeypatch, job_handlers={"flaky": flaky})
    await Job.update({Job.kind: "flaky"}).where(Job.id == job.id)
    assert await jobs.run_one(settings, "worker-a")
    row = await jobs.get(job.id)
    assert row["status"] == "running" and row["error"] == ""  # not failed
    # even if the database was still away when the claim was to be given up (lease left running)
    await Job.update({Job.claimed_until: datetime.now(UTC) + jobs.LEASE}).where(Job.id == job.id)
    assert await jobs.run_one(settings, "worker-a")  # the next poll resumes it at once
    row = await jobs.get(job.id)
    assert row["status"] == "done" and calls == [job.id, job.id]


FLAKY = None


async def _one_pending_mail(settings) -> OutboxMail:
    await OutboxMail.update({OutboxMail.status: "sent"}).where(
        OutboxMail.status.is_in(["pending", "sending"])
    )
    await enqueue(
        f"lease-{random.randint(0, 10**9)}@example.org",
        "password_reset",
        locale="en",
        context={**TEMPLATES["password_reset"], "base_url": "http://portal.test"},
    )
    return await OutboxMail.objects().where(OutboxMail.status == "pending").first()


async def test_a_dead_workers_mails_are_taken_over_within_a_minute_unless_its_heartbeat_extends_them(
    app, settings
):
    row = await _one_pending_mail(settings)
    start = datetime.now(UTC) + timedelta(seconds=1)
    assert [r["id"] for r in await mail._claim("worker-a", 10, start)] == [row.id]
    assert await mail._claim("worker-b", 10, start + timedelta(seconds=20)) == []
    await mail.extend_lease([row.id], "worker-a", start + timedelta(seconds=25) + mail.LEASE)
    assert await mail._claim("worker-b", 10, start + timedelta(seconds=40)) == []
    taken = await mail._claim("worker-b", 10, start + timedelta(seconds=25 + 31))
    assert [r["id"] for r in taken] == [row.id]
    await OutboxMail.update({OutboxMail.status: "sent"}).where(OutboxMail.id == row.id)


@pytest.fixture
def refused_smtp_url():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"smtp://127.0.0.1:{sock.getsockname()[1]}"


async def test_an_unreachable_mail_server_is_retried_within_half_a_minute_and_never_given_up(
    app, settings, refused_smtp_url, tmp_path
):
    smtp = make_settings(tmp_path / "data", settings.database_url, smtp_url=refused_smtp_url)
    # the outbox holds just this test's two mails (earlier tests in the session may leave some)
    await OutboxMail.update({OutboxMail.status: "sent"}).where(
        OutboxMail.status.is_in(["pending", "sending", "failed"])
    )
    first = await _one_pending_mail(settings)
    await enqueue(
        "second@example.org",
        "password_reset",
        locale="en",
        context={**TEMPLATES["password_reset"], "base_url": "http://portal.test"},
    )
    when = datetime.now(UTC) + timedelta(seconds=1)
    for batch in range(1, mail.MAX_ATTEMPTS + 3):
        assert await mail.deliver_batch(smtp, worker_id="relay-down", now=when) == 2
        rows = await OutboxMail.select().where(
            OutboxMail.status.is_in(["pending", "sending", "failed"])
        )
        assert {r["status"] for r in rows} == {"pending"}  # never failed for an unreachable server
        assert all(when < r["next_attempt_at"] <= when + timedelta(seconds=30) for r in rows)
        assert first.id in {r["id"] for r in rows}
        assert sum(r["attempts"] for r in rows) == batch  # one tried per batch, the other waited
        when = max(r["next_attempt_at"] for r in rows) + timedelta(seconds=1)
    await OutboxMail.update({OutboxMail.status: "sent"}).where(OutboxMail.status == "pending")


def test_the_relay_backoff_is_capped_and_jittered():
    rng = random.Random(7)
    delays = [mail.relay_backoff(n, rng).total_seconds() for n in range(1, 12)]
    assert all(0 < d <= 30 for d in delays)
    assert delays[0] <= 2 and max(delays) > 14
    assert (
        len({round(mail.relay_backoff(9, rng).total_seconds(), 3) for _ in range(5)}) == 5
    )  # jittered
