"""Sign-in with two-factor login (issue 22): the median time of the password step (answered 401
``second_factor_required``) plus the code step (``POST /api/v1/auth/2fa/verify``, the session
starts), over HTTP on the loopback against `challenge serve`, on SQLite and on PostgreSQL.
Target: at most 150 ms median. Production password hashing (argon2id t=3, m=64 MiB) is part of
it.

Each round is another person (a code counts once per person and 30-second step), each set up
beforehand through the API; the code sent is the next step's, which the window accepts.

Run: python -m tests.benchmarks.login_2fa   (needs the local PostgreSQL; about a minute)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from challenge.platform.accounts import totp
from challenge.platform.accounts.passwords import HASHER
from tests.benchmarks.request_path import _databases
from tests.benchmarks.startup import free_port
from tests.support.databases import drop_database
from tests.support.servers import wait_until_ready

PASSWORD = "Benchmark-Passwort-2026"
ROUNDS = 12


def _env(tmp: Path, engine: str, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(
        CHALLENGE_DATA_DIR=str(tmp / engine),
        CHALLENGE_DATABASE_URL=url,
        CHALLENGE_NEW_PASSWORD=PASSWORD,
        CHALLENGE_LOG_LEVEL="warning",
    )
    return env


def _post(client: httpx.Client, url: str, body: dict) -> httpx.Response:
    return client.post(url, json=body, headers={"x-csrftoken": client.cookies["csrftoken"]})


def _code(secret: str, ahead: int = 0) -> str:
    return totp.code_at(secret, totp.step_of(datetime.now(UTC)) + ahead)


def _enrol(base: str, email: str) -> str:
    """Sign in with the password and set up two-factor login; the secret."""
    with httpx.Client(base_url=base) as client:
        client.get("/login")
        assert _post(
            client, "/api/v1/auth/login", {"email": email, "password": PASSWORD}
        ).is_success
        secret = _post(client, "/api/v1/auth/2fa/totp/enrol", {}).json()["secret"]
        done = _post(client, "/api/v1/auth/2fa/totp/enrol", {"code": _code(secret)})
        assert done.status_code == 200, done.text
    return secret


def _sign_in(base: str, email: str, secret: str) -> tuple[float, float]:
    """One sign-in with password and code from a fresh browser; milliseconds of each step."""
    with httpx.Client(base_url=base) as client:
        client.get("/login")
        started = time.perf_counter()
        first = _post(client, "/api/v1/auth/login", {"email": email, "password": PASSWORD})
        between = time.perf_counter()
        second = _post(client, "/api/v1/auth/2fa/verify", {"code": _code(secret, 1)})
        ended = time.perf_counter()
        assert first.status_code == 401 and first.json()["code"] == "second_factor_required"
        assert second.status_code == 200, second.text
        assert client.get("/api/v1/me").status_code == 200
    return (between - started) * 1000, (ended - between) * 1000


def _measure(tmp: Path, engine: str, url: str) -> list[tuple[float, float]]:
    env = _env(tmp, engine, url)
    run = [sys.executable, "-m", "challenge"]
    emails = [f"bench{n}@example.org" for n in range(ROUNDS)]
    for email in emails:
        subprocess.run(
            [*run, "users", "create", "--email", email, "--name", "Bench"],
            env=env,
            check=True,
            capture_output=True,
        )
    port = free_port()
    server = subprocess.Popen(
        [*run, "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base)
        secrets = {email: _enrol(base, email) for email in emails}
        return [_sign_in(base, email, secrets[email]) for email in emails]
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        urls = _databases(tmp)
        results = {}
        try:
            for engine, url in urls.items():
                results[engine] = _measure(tmp, engine, url)
        finally:
            for url in urls.values():
                drop_database(url)
    hashes = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        HASHER.verify(HASHER.hash(PASSWORD), PASSWORD)
        hashes.append((time.perf_counter() - started) * 500)  # one of the two operations
    print(
        f"argon2id (t=3, m=64 MiB, p=2), one hash here: median {statistics.median(hashes):.0f} ms"
    )
    for engine, steps in results.items():
        total = [password + code for password, code in steps]
        print(
            f"{engine}: password + TOTP sign-in over HTTP: median {statistics.median(total):.0f} ms"
            f" (password step {statistics.median(p for p, _ in steps):.0f} ms, code step"
            f" {statistics.median(c for _, c in steps):.0f} ms), max {max(total):.0f} ms"
            f" ({len(steps)} sign-ins)   target ≤ 150 ms median"
        )


if __name__ == "__main__":
    main()
