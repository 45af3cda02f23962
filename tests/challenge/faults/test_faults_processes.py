"""Fault injection against real processes on PostgreSQL (marked `faults`; .ci/run's PostgreSQL
pass runs them): every database connection cut 30 times under 10 writing clients, during a
certificates job, a worker killed with SIGKILL while it holds mails, the mail server away.
The figures (500s, time to recover, SIGTERM-to-exit, take-over) are printed for the report.

Waiting here is bounded polling of real processes, as the faults happen in real time."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.support.applicant_flow import log_in
from tests.support.databases import create_database, drop_database
from tests.support.s3 import free_port
from tests.support.scale_out import PASSWORD, _in_subprocess
from tests.support.servers import wait_until_ready

pytestmark = [pytest.mark.faults, pytest.mark.postgres_only]

CUTS = 30
WRITERS = 10
SIGTERM_LIMIT = 15.0
# The mail server's outage: 60 s, as the issue asks (CHALLENGE_FAULTS_SMTP_OUTAGE shortens it
# for a quick local run; the backoff is capped at 30 s, so any outage past that behaves alike).
SMTP_OUTAGE = float(os.environ.get("CHALLENGE_FAULTS_SMTP_OUTAGE", "60"))


def figure(name: str, value) -> None:
    print(f"\nFAULT FIGURE {name}: {value}", flush=True)


class World:
    """One fresh PostgreSQL database and the environment for `challenge` processes on it."""

    def __init__(self, tmp: Path, **extra: str) -> None:
        self.tmp = tmp
        self.url = create_database(tmp)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
        self.env.update(
            CHALLENGE_DATA_DIR=str(tmp / "var"),
            CHALLENGE_DATABASE_URL=self.url,
            CHALLENGE_LOG_LEVEL="warning",
            CHALLENGE_SECRET_KEY=secrets.token_hex(32),
            CHALLENGE_TRUSTED_PROXIES="127.0.0.1",
            CHALLENGE_PAGE_CACHE="false",
            CHALLENGE_LOG_FORMAT="text",
            **extra,
        )
        self.processes: list[subprocess.Popen] = []

    def start(self, *args: str, name: str) -> subprocess.Popen:
        log = (self.tmp / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "challenge", *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def serve(self) -> tuple[subprocess.Popen, str]:
        port = free_port()
        process = self.start("serve", "--port", str(port), "--no-worker", name=f"serve-{port}")
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base, seconds=60)
        return process, base

    def log(self, name_start: str) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-3000:] for p in self.tmp.glob(f"{name_start}*.log")
        )

    async def cut_all(self) -> int:
        """pg_terminate_backend for every connection to this database but the admin's own."""
        admin = await asyncpg.connect(self.url)
        try:
            return await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        finally:
            await admin.close()

    async def fetch(self, query: str, *args):
        conn = await asyncpg.connect(self.url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        drop_database(self.url)


@pytest.fixture
def world(tmp_path):
    worlds: list[World] = []

    def make(**extra: str) -> World:
        worlds.append(World(tmp_path / f"w{len(worlds)}", **extra))
        return worlds[-1]

    yield make
    for w in worlds:
        w.close()


def sigterm_seconds(process: subprocess.Popen) -> float:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return float("inf")
    return time.monotonic() - started


# --- a replica under connection cuts -----------------------------------------------------------


async def _writer(
    client: httpx.AsyncClient, team: str, stop: asyncio.Event, statuses: Counter
) -> None:
    token = {"x-csrftoken": client.cookies["csrftoken"]}
    created = await client.post(
        "/api/v1/calls/skalierung/submissions",
        headers=token,
        json={"organisation_id": team, "title": "Vorschlag", "summary": "Kurz", "category": "A"},
    )
    created.raise_for_status()
    sub = created.json()["id"]
    n = 0
    while not stop.is_set():
        n += 1
        try:
            got = await client.get(f"/api/v1/submissions/{sub}")
            statuses[got.status_code] += 1
            if got.status_code != 200:
                continue
            patched = await client.patch(
                f"/api/v1/submissions/{sub}",
                headers=token,
                json={"version": got.json()["version"], "title": f"Vorschlag {n}"},
            )
            statuses[patched.status_code] += 1
        except httpx.HTTPError as error:
            statuses[type(error).__name__] += 1


async def test_a_replica_survives_thirty_connection_cuts_under_writes(world):
    w = world()
    _in_subprocess(w.env, "prepare", str(WRITERS + 1))
    replica, base = w.serve()
    clients = [
        await log_in(base, f"s{n}@example.org", PASSWORD, f"10.9.0.{n + 1}") for n in range(WRITERS)
    ]
    reader, _team = await log_in(base, f"s{WRITERS}@example.org", PASSWORD, "10.9.1.1")
    stop, statuses = asyncio.Event(), Counter()
    tasks = [asyncio.create_task(_writer(client, team, stop, statuses)) for client, team in clients]
    try:
        await asyncio.sleep(1.0)  # writes are flowing
        for _ in range(CUTS):
            await w.cut_all()
            await asyncio.sleep(0.2)
        last_cut = time.monotonic()
        while (await reader.get("/api/v1/me")).status_code != 200:
            assert time.monotonic() - last_cut < 30, "the replica did not recover"
            await asyncio.sleep(0.05)
        recovered = time.monotonic() - last_cut
        await asyncio.sleep(1.0)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    reads = [(await reader.get("/api/v1/me")).status_code for _ in range(30)]
    for client, _team in clients:
        await client.aclose()
    await reader.aclose()
    exit_seconds = sigterm_seconds(replica)
    figure("connection cuts", CUTS)
    figure("responses during the cuts", dict(statuses))
    figure("500 answers during the cuts", statuses[500])
    figure("seconds to recover after the last cut", round(recovered, 2))
    figure("seconds from SIGTERM to exit after the cuts", round(exit_seconds, 2))
    assert statuses[500] == 0, w.log("serve")
    assert statuses[200] > 0 and statuses[503] >= 0
    assert reads == [200] * 30
    assert exit_seconds <= SIGTERM_LIMIT, w.log("serve")
    # every connection went back to the pool: it closed without having to terminate leftovers
    assert "did not close within" not in w.log("serve")


# --- a certificates job under connection cuts ---------------------------------------------------


async def test_a_certificates_job_finishes_through_thirty_connection_cuts(world):
    w = world()
    demo = subprocess.run(
        [sys.executable, "-m", "challenge", "demo"], env=w.env, capture_output=True, timeout=240
    )
    assert demo.returncode == 0, demo.stderr[-2000:]
    (call,) = await w.fetch("SELECT id FROM calls WHERE results_published_at IS NOT NULL LIMIT 1")
    job_id = uuid.uuid4()
    await w.fetch(
        "INSERT INTO jobs (id, kind, subject, payload, status, total, done, error, attempts, created_at) "
        "VALUES ($1, 'certificates', $2, $3::jsonb, 'pending', 0, 0, '', 0, $4)",
        job_id,
        f"call:{call['id']}",
        json.dumps({"call": str(call["id"])}),
        datetime.now(UTC),
    )
    worker = w.start("worker", "--poll-interval", "0.2", name="worker")
    deadline = time.monotonic() + 60
    while (await w.fetch("SELECT status FROM jobs WHERE id = $1", job_id))[0][
        "status"
    ] == "pending":
        assert time.monotonic() < deadline, w.log("worker")
        await asyncio.sleep(0.05)
    # Spread over the job (rendering holds no connection; storing and progress do).
    cuts = 0
    while (
        cuts < CUTS
        and (await w.fetch("SELECT status FROM jobs WHERE id = $1", job_id))[0]["status"]
        == "running"
    ):
        await w.cut_all()
        cuts += 1
        await asyncio.sleep(0.8)
    last_cut = time.monotonic()
    while (
        row := (await w.fetch("SELECT status, done, total, error FROM jobs WHERE id = $1", job_id))[
            0
        ]
    )["status"] in ("pending", "running"):
        assert time.monotonic() - last_cut < 240, (
            dict(row),
            w.log("worker"),
        )  # PDFs are slow on a busy machine
        await asyncio.sleep(0.1)
    finished = time.monotonic() - last_cut
    timing = (
        await w.fetch(
            "SELECT attempts, finished_at - started_at AS took FROM jobs WHERE id = $1", job_id
        )
    )[0]
    exit_seconds = sigterm_seconds(worker)
    figure(
        "certificates job: claims and seconds from start to finish",
        (timing["attempts"], round(timing["took"].total_seconds(), 2)),
    )
    certificates = await w.fetch(
        "SELECT count(*) AS n FROM documents WHERE kind = 'certificate' AND status = 'stored'"
    )
    figure("certificates job: connection cuts while it ran", cuts)
    figure("certificates job: seconds to finish after the last cut", round(finished, 2))
    figure("certificates job: worker SIGTERM-to-exit seconds", round(exit_seconds, 2))
    assert row["status"] == "done", (dict(row), w.log("worker"))
    assert row["done"] == row["total"] == certificates[0]["n"] > 0
    assert exit_seconds <= SIGTERM_LIMIT


# --- mail: a killed worker, a mail server away ---------------------------------------------------


class Inbox:
    """An aiosmtpd handler; while ``hold`` is set, RCPT waits (a delivery in progress)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.holding = 0
        self.release_hold: asyncio.Event | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.release_hold is not None and not self.release_hold.is_set():
            self.holding += 1
            await self.release_hold.wait()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.content, policy=email.policy.default),
            )
        )
        return "250 Message accepted for delivery"


async def _enqueue(w: World, count: int) -> None:
    now = datetime.now(UTC)
    for n in range(count):
        await w.fetch(
            "INSERT INTO outbox (id, to_address, subject, body_text, body_html, locale, template, status, attempts, "
            "next_attempt_at, claimed_by, last_error, created_at) "
            "VALUES ($1, $2, 'Test', 'Hallo', '', 'de', 'test', 'pending', 0, $3, '', '', $3)",
            uuid.uuid4(),
            f"person{n}@example.org",
            now,
        )


def _delivered(inbox: Inbox) -> Counter:
    return Counter(rcpt for rcpts, _message in inbox.messages for rcpt in rcpts)


async def _migrated(w: World) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "challenge", "migrate"], env=w.env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]


async def test_mails_held_by_a_killed_worker_are_delivered_once_within_90_seconds(world):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        inbox.release_hold = asyncio.Event()  # bound to the server's loop when first waited on
        loop = controller.loop
        w = world(CHALLENGE_SMTP_URL=f"smtp://127.0.0.1:{controller.port}")
        await _migrated(w)
        await _enqueue(w, 5)
        first = w.start("worker", "--poll-interval", "0.2", name="worker-a")
        deadline = time.monotonic() + 60
        while inbox.holding == 0:  # the first worker is delivering (and holds all five)
            assert time.monotonic() < deadline, w.log("worker-a")
            await asyncio.sleep(0.05)
        held = await w.fetch("SELECT count(*) AS n FROM outbox WHERE status = 'sending'")
        first.kill()
        first.wait()
        killed = time.monotonic()
        loop.call_soon_threadsafe(inbox.release_hold.set)
        w.start("worker", "--poll-interval", "0.2", name="worker-b")
        while sum(_delivered(inbox).values()) < 5:
            assert time.monotonic() - killed < 90, w.log("worker-b")
            await asyncio.sleep(0.1)
        taken_over = time.monotonic() - killed
        await asyncio.sleep(1.0)  # a second copy would arrive now
    finally:
        controller.stop()
    figure("mails held by the killed worker", held[0]["n"])
    figure("seconds from SIGKILL to all mails delivered by another worker", round(taken_over, 2))
    assert held[0]["n"] == 5
    assert taken_over <= 90
    assert set(_delivered(inbox).values()) == {1} and len(_delivered(inbox)) == 5


async def test_mails_resume_soon_after_the_mail_server_returns(world):
    port = free_port()
    w = world(CHALLENGE_SMTP_URL=f"smtp://127.0.0.1:{port}")
    await _migrated(w)
    await _enqueue(w, 5)
    w.start("worker", "--poll-interval", "0.2", name="worker")
    await asyncio.sleep(SMTP_OUTAGE)  # the mail server is away
    attempts = await w.fetch("SELECT max(attempts) AS n FROM outbox")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    returned = time.monotonic()
    try:
        while sum(_delivered(inbox).values()) < 5:
            assert time.monotonic() - returned < 90, w.log("worker")
            await asyncio.sleep(0.1)
        resumed = time.monotonic() - returned
        await asyncio.sleep(1.0)
    finally:
        controller.stop()
    figure("mail server outage seconds", SMTP_OUTAGE)
    figure("delivery attempts during the outage (most for one mail)", attempts[0]["n"])
    figure("seconds from the mail server's return to all mails delivered", round(resumed, 2))
    assert attempts[0]["n"] >= 2  # it kept trying
    assert resumed <= 60
    assert set(_delivered(inbox).values()) == {1} and len(_delivered(inbox)) == 5


# --- the PDF pool dies with its parent -----------------------------------------------------------

POOL_PARENT = """
import os, sys, time
from challenge.platform.pdf.pool import process_pool
pool = process_pool(2)
pids = list({pool.submit(os.getpid).result() for _ in range(8)})
print(" ".join(map(str, pids)), flush=True)
time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its (dead) parent's reaper counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_pdf_pool_processes_die_with_a_killed_parent():
    parent = subprocess.Popen(
        [sys.executable, "-c", POOL_PARENT], stdout=subprocess.PIPE, text=True
    )
    try:
        children = [int(pid) for pid in parent.stdout.readline().split()]
        assert children and all(_running(pid) for pid in children)
        parent.kill()
        parent.wait()
        killed = time.monotonic()
        while any(_running(pid) for pid in children):
            assert time.monotonic() - killed < 10, "pool processes outlived their parent"
            time.sleep(0.05)
        figure(
            "seconds until the PDF pool processes of a SIGKILLed parent are gone",
            round(time.monotonic() - killed, 2),
        )
    finally:
        if parent.poll() is None:
            parent.kill()
