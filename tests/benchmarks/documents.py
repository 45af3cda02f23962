"""Document figures: memory of a 50 MB upload, PDF render time, upload throughput.

Run: python -m tests.benchmarks.documents   (SQLite; set CHALLENGE_TEST_DATABASE_URL for
PostgreSQL). Starts `challenge serve` for the local folder and for S3 (moto over HTTP).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from tests.benchmarks.startup import free_port
from tests.support.databases import create_database, drop_database
from tests.support.files import multipart, pdf
from tests.support.s3 import MotoS3
from tests.support.servers import wait_until_ready

PASSWORD = "Benchmark-Passwort-2026"
MB = 1024 * 1024


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def start_server(env: dict, *extra: str) -> tuple[subprocess.Popen, str]:
    """`challenge serve --no-worker` (and ``extra`` options) on a free port, once ready."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "challenge", "serve", "--port", str(port), "--no-worker", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_ready(base)
    return server, base


async def login(base: str, email: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=120)
    await client.get("/login")
    response = await client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        headers={"x-csrftoken": client.cookies["csrftoken"]},
    )
    response.raise_for_status()
    return client


async def upload(client: httpx.AsyncClient, content: bytes, name: str = "datei.pdf") -> None:
    body, content_type = multipart(name, content)

    async def stream():
        for start in range(0, len(body), 256 * 1024):
            yield body[start : start + 256 * 1024]

    response = await client.post(
        "/api/v1/me/documents",
        content=stream(),
        headers={"content-type": content_type, "x-csrftoken": client.cookies["csrftoken"]},
    )
    response.raise_for_status()


async def measure_backend(label: str, env: dict) -> dict:
    users = [f"bench{n}@example.org" for n in range(8)]
    for email in users:
        subprocess.run(
            [sys.executable, "-m", "challenge", "users", "create", "--email", email, "--name", "B"],
            env={**env, "CHALLENGE_NEW_PASSWORD": PASSWORD},
            check=True,
            capture_output=True,
        )
    server, base = start_server(env)
    try:
        first = await login(base, users[0])
        await upload(first, pdf(size=MB))  # warm up the code paths
        # Sample RSS while the upload runs (VmHWM would also hold argon2's 64 MiB from login).
        samples, done = [], threading.Event()

        def sample() -> None:
            while not done.is_set():
                samples.append(status_kb(server.pid, "VmRSS"))
                time.sleep(0.005)

        rss_before = status_kb(server.pid, "VmRSS")
        sampler = threading.Thread(target=sample)
        sampler.start()
        await upload(first, pdf(size=50 * MB), "gross.pdf")
        done.set()
        sampler.join()
        peak = max(samples)
        clients = [await login(base, email) for email in users]
        files = [[pdf(size=MB) for _ in range(10)] for _ in clients]
        started = time.perf_counter()
        await asyncio.gather(
            *(
                asyncio.gather(*(upload(c, f) for f in fs))
                for c, fs in zip(clients, files, strict=True)
            )
        )
        elapsed = time.perf_counter() - started
        for client in [first, *clients]:
            await client.aclose()
        count = sum(len(fs) for fs in files)
        return {
            "backend": label,
            "rss_increase_mb": (peak - rss_before) / 1024,
            "uploads_per_s": count / elapsed,
            "mb_per_s": count / elapsed,
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def pdf_render_median() -> float:
    from challenge.calls.services import to_out
    from challenge.demo import demo_calls
    from challenge.platform.markdown import render_markdown
    from challenge.platform.pdf.render import render_pdf

    call = {
        **demo_calls(datetime.now(UTC))[0],
        "id": "00000000-0000-0000-0000-000000000000",
        "updated_at": datetime.now(UTC),
        "blind_review": False,
    }
    call["description"] = (
        call["description"]
        + "\n\n"
        + (
            "Die Partnerin liefert die vereinbarten Leistungen fristgerecht und dokumentiert sie nachvollziehbar. "
            * 22
        )
    )
    context = {
        "call": to_out(call, datetime.now(UTC) - timedelta(days=1)),
        "description_html": render_markdown(call["description"]),
        "eligibility_html": render_markdown(call["eligibility"]),
        "verify_url": "http://x/verify",
        "verification_code": "ABCD-EFGH-JKMN",
        "issued_at": datetime.now(UTC),
        "title": "Vertrag",
    }
    times = []
    for n in range(23):
        started = time.perf_counter()
        data = render_pdf("call.html", locale="de", **context)
        if n >= 3:  # warm
            times.append((time.perf_counter() - started) * 1000)
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(data)).pages)
    return statistics.median(times), pages


async def main() -> None:
    engine = "postgresql" if os.environ.get("CHALLENGE_TEST_DATABASE_URL") else "sqlite"
    median, pages = pdf_render_median()
    moto = MotoS3()
    moto.start()
    moto.create_bucket()
    results = []
    try:
        for label in ("local", "s3"):
            with tempfile.TemporaryDirectory() as tmp:
                url = create_database(Path(tmp))
                env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
                env.update(
                    CHALLENGE_DATA_DIR=str(Path(tmp) / "var"),
                    CHALLENGE_DATABASE_URL=url,
                    CHALLENGE_UPLOAD_MAX_MB="60",
                )
                if label == "s3":
                    env.update(
                        {
                            f"CHALLENGE_{k.upper()}": v
                            for k, v in moto.settings_env(prefix=f"bench{time.time_ns()}/").items()
                        }
                    )
                try:
                    results.append(await measure_backend(label, env))
                finally:
                    drop_database(url)
    finally:
        moto.stop()
    print(f"engine: {engine}")
    print(f"PDF render, {pages} pages, median of 20 warm: {median:.0f} ms   target <= 100 ms")
    for r in results:
        print(
            f"{r['backend']:>5}: 50 MB upload raises server RSS by {r['rss_increase_mb']:.1f} MB (target <= 16 MB); "
            f"8 clients x 10 uploads of 1 MB: {r['uploads_per_s']:.1f} uploads/s ({r['mb_per_s']:.1f} MB/s)"
        )


if __name__ == "__main__":
    asyncio.run(main())
