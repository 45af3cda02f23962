"""Login latency and the cost of one argon2id hash (target 50–150 ms per hash).

Run: python -m tests.benchmarks.login   (SQLite, or PostgreSQL with CHALLENGE_TEST_DATABASE_URL)
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

from challenge.platform.accounts.passwords import HASHER
from tests.benchmarks.startup import free_port
from tests.support.databases import create_database, drop_database

PASSWORD = "Benchmark-Passwort-2026"
ROUNDS = 20


def main() -> None:
    hashes = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        HASHER.hash(PASSWORD)
        hashes.append((time.perf_counter() - started) * 1000)

    engine = "postgresql" if os.environ.get("CHALLENGE_TEST_DATABASE_URL") else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        url = create_database(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
        env.update(
            CHALLENGE_DATA_DIR=str(Path(tmp) / "var"),
            CHALLENGE_DATABASE_URL=url,
            CHALLENGE_NEW_PASSWORD=PASSWORD,
        )
        run = [sys.executable, "-m", "challenge"]
        subprocess.run(
            [*run, "users", "create", "--email", "bench@example.org", "--name", "Bench"],
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
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.05)
            logins = []
            for _ in range(ROUNDS):
                # A fresh browser each time; 20 logins stay under the per-IP limit (30 per 15 min).
                with httpx.Client(base_url=base) as client:
                    client.get("/login")
                    started = time.perf_counter()
                    response = client.post(
                        "/api/v1/auth/login",
                        json={"email": "bench@example.org", "password": PASSWORD},
                        headers={"x-csrftoken": client.cookies["csrftoken"]},
                    )
                    logins.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.text
        finally:
            server.terminate()
            server.wait(timeout=10)
            drop_database(url)

    print(f"engine: {engine}")
    print(
        f"argon2id hash (t=3, m=64 MiB, p=2): median {statistics.median(hashes):.0f} ms   target 50–150 ms"
    )
    print(
        f"login over HTTP: median {statistics.median(logins):.0f} ms, "
        f"max {max(logins):.0f} ms ({ROUNDS} logins)"
    )


if __name__ == "__main__":
    main()
