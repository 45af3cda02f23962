"""Scale-out on one machine without Docker: N `challenge serve` replicas and M `challenge
worker` processes on one PostgreSQL database, documents on a moto S3 server, mail to an SMTP
server in this process. Used by tests/challenge/test_scale_out.py (correctness) and
tests/benchmarks/scale_out.py (figures)."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tests.support.applicant_flow import log_in, submit_proposal
from tests.support.databases import create_database, drop_database
from tests.support.files import pdf
from tests.support.s3 import MotoS3, free_port
from tests.support.servers import wait_until_ready

PASSWORD = "Skalierung-Passwort-2026"
KB = 1024


@dataclass
class Outcome:
    flows: int
    failures: list[str]
    seconds: float
    submitted: int
    unique_references: int
    documents: int
    s3_objects: int
    mails: Counter
    mail_seconds: float
    session_shared: bool
    outbox: dict = field(default_factory=dict)


async def _prepare(applicants: int) -> None:
    """Runs in its own interpreter (see _in_subprocess): the pytest session keeps its database."""
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
            slug="skalierung",
            title="Skalierung",
            status="published",
            categories=["A"],
            questions=[],
            criteria=[],
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
            budget_cents=1,
            created_at=now,
            document_rules={
                "max_files": 2,
                "max_bytes": 2 * 1024 * KB,
                "allowed_types": ["application/pdf"],
            },
        ).save()
        password_hash = hash_password(PASSWORD)
        users = [
            User(
                email=f"s{n}@example.org",
                name=f"Person {n}",
                password_hash=password_hash,
                email_verified_at=now,
            )
            for n in range(applicants)
        ]
        await User.insert(*users)
        teams = [
            Organisation(name=f"Team {n}", kind="startup", created_at=now)
            for n in range(applicants)
        ]
        await Organisation.insert(*teams)
        await Membership.insert(
            *[
                Membership(organisation=t.id, user=u.id, role="owner", created_at=now)
                for u, t in zip(users, teams, strict=True)
            ]
        )


async def _count() -> dict:
    from challenge import db
    from challenge.platform.documents.tables import Document
    from challenge.platform.mail.worker import outbox_stats
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings
    from challenge.submissions.tables import Submission

    async with db.connected(prepare_settings(load_settings())):
        rows = await Submission.select(Submission.reference).where(Submission.status == "submitted")
        documents = await Document.count().where(
            (Document.owner_type == "submission") & (Document.status == "stored")
        )
        stats = await outbox_stats()
        return {
            "submitted": len(rows),
            "unique": len({r["reference"] for r in rows}),
            "documents": documents,
            "outbox": {k: v for k, v in stats.items() if k != "oldest_pending_seconds"},
        }


def _in_subprocess(env: dict, *args: str) -> dict:
    """Database work for the scale-out run in a fresh interpreter with the run's environment:
    Piccolo's engine is process-wide, and the pytest session must keep its own."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.scale_out", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode:
        raise RuntimeError(f"scale-out {args[0]} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1] or "{}")


async def _login(base: str, n: int) -> tuple[httpx.AsyncClient, str]:
    return await log_in(base, f"s{n}@example.org", PASSWORD, f"10.1.{n // 250}.{n % 250 + 1}")


async def _flow(client: httpx.AsyncClient, team: str, content: bytes) -> None:
    await submit_proposal(client, "skalierung", team, content)


async def run_scale_out(
    *, replicas: int, workers: int, flows: int, file_kb: int = 100, inbox=None, smtp_url: str = ""
) -> Outcome:
    """Start everything, run `flows` applicant flows at once spread over the replicas, wait for the
    mails, count what was stored and sent, stop everything."""
    if not os.environ.get("CHALLENGE_TEST_DATABASE_URL"):
        raise RuntimeError("scale-out needs PostgreSQL: set CHALLENGE_TEST_DATABASE_URL")
    moto = MotoS3()
    moto.start()
    moto.create_bucket()
    prefix = f"scale-{secrets.token_hex(4)}/"
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = create_database(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
        env.update(
            CHALLENGE_DATA_DIR=str(Path(tmp) / "var"),
            CHALLENGE_DATABASE_URL=url,
            CHALLENGE_LOG_LEVEL="warning",
            CHALLENGE_SECRET_KEY=secrets.token_hex(32),
            CHALLENGE_TRUSTED_PROXIES="127.0.0.1",
            CHALLENGE_STORAGE="s3",
            CHALLENGE_S3_BUCKET=moto.settings_env()["s3_bucket"],
            CHALLENGE_S3_ENDPOINT_URL=moto.url,
            CHALLENGE_S3_REGION="eu-central-1",
            CHALLENGE_S3_PREFIX=prefix,
            CHALLENGE_SMTP_URL=smtp_url,
            CHALLENGE_PAGE_CACHE="false",
        )
        try:
            _in_subprocess(env, "prepare", str(flows + 1))  # one more for the session check
            bases = []
            for _ in range(replicas):
                port = free_port()
                processes.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "challenge",
                            "serve",
                            "--port",
                            str(port),
                            "--no-worker",
                        ],
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
                bases.append(f"http://127.0.0.1:{port}")
            for base in bases:
                wait_until_ready(base)
            # a session made on one replica works on the other
            first, _team = await _login(bases[0], flows)
            other = httpx.AsyncClient(base_url=bases[-1], cookies=first.cookies)
            try:
                session_shared = (await other.get("/api/v1/me")).status_code == 200
            finally:
                await other.aclose()
                await first.aclose()
            clients = [await _login(bases[n % replicas], n) for n in range(flows)]
            content = pdf("Skalierung", size=file_kb * KB)
            started = time.perf_counter()
            results = await asyncio.gather(
                *(_flow(c, t, content) for c, t in clients), return_exceptions=True
            )
            seconds = time.perf_counter() - started
            for client, _team in clients:
                await client.aclose()
            failures = [repr(r) for r in results if isinstance(r, BaseException)]
            mail_started = time.perf_counter()
            for _ in range(
                workers
            ):  # workers start after the flows: their throughput is measured alone
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "challenge", "worker", "--poll-interval", "0.2"],
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
            expected = flows - len(failures)
            deadline = time.monotonic() + 120
            first_mail = None
            while len(inbox.messages) < expected and time.monotonic() < deadline:
                if first_mail is None and inbox.messages:
                    first_mail = (
                        time.perf_counter()
                    )  # the workers are up: from here on it is delivery
                await asyncio.sleep(0.01)
            mail_seconds = time.perf_counter() - (first_mail or mail_started)
            await asyncio.sleep(1.5)  # a duplicate would arrive now
            counted = _in_subprocess(env, "count")
            import boto3

            s3 = boto3.client("s3", endpoint_url=moto.url, region_name="eu-central-1")
            objects = s3.list_objects_v2(
                Bucket=moto.settings_env()["s3_bucket"], Prefix=prefix
            ).get("KeyCount", 0)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
            drop_database(url)
            moto.stop()
    mails = Counter(rcpt for rcpts, _message in inbox.messages for rcpt in rcpts)
    return Outcome(
        flows=flows,
        failures=failures,
        seconds=seconds,
        submitted=counted["submitted"],
        unique_references=counted["unique"],
        documents=counted["documents"],
        s3_objects=objects,
        mails=mails,
        mail_seconds=mail_seconds,
        session_shared=session_shared,
        outbox=counted["outbox"],
    )


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        asyncio.run(_prepare(int(sys.argv[2])))
        print("{}")
    else:
        print(json.dumps(asyncio.run(_count())))
