"""Seconds from `challenge serve` to /readyz = 200, and resident memory of the idle server.

Run: python -m tests.benchmarks.startup   (uses a fresh data dir; SQLite unless
CHALLENGE_TEST_DATABASE_URL is set, then a fresh PostgreSQL database)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.support.databases import create_database, drop_database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(data_dir: Path, database_url: str, demo: bool) -> tuple[float, float]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(CHALLENGE_DATA_DIR=str(data_dir), CHALLENGE_DATABASE_URL=database_url)
    args = [sys.executable, "-m", "challenge", "serve", "--port", str(port)]
    if demo:
        args.append("--demo")
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = started + 60
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.02)
        ready = time.perf_counter() - started
        for path in ("/", "/calls/klimaanpassung-im-quartier", "/schema", "/api/v1/calls"):
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).read()
        time.sleep(2)
        return ready, rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    engine = "postgresql" if os.environ.get("CHALLENGE_TEST_DATABASE_URL") else "sqlite"
    with tempfile.TemporaryDirectory() as tmp:
        url = create_database(Path(tmp))
        try:
            first, _ = measure(Path(tmp) / "var", url, demo=True)
            again, rss = measure(Path(tmp) / "var", url, demo=False)
        finally:
            drop_database(url)
    print(f"engine: {engine}")
    print(f"first start (migrate + demo data) to /readyz=200: {first:.2f} s")
    print(f"start to /readyz=200 (migrated):                  {again:.2f} s   target <= 3 s")
    print(f"idle server RSS after a few pages:                {rss:.0f} MB   target <= 150 MB")


if __name__ == "__main__":
    main()
