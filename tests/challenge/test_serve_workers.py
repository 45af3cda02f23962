"""`challenge serve --workers N`: N server processes answer, the outbox worker runs once beside
them, and SIGTERM ends them all (issue 25)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.benchmarks.startup import free_port
from tests.support.servers import wait_until_ready


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _reset_mail_link(base: str, spool: Path) -> str:
    """Ask for a password reset and return the link of the one mail the worker delivers."""
    cookie = httpx.get(f"{base}/impressum").headers["set-cookie"]
    token = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    answer = httpx.post(
        f"{base}/api/v1/auth/password-reset",
        json={"email": "niemand@example.org"},
        headers={"x-csrftoken": token, "cookie": f"csrftoken={token}"},
    )
    assert answer.status_code == 202
    deadline = time.monotonic() + 60
    while not list(spool.glob("*.eml")) and time.monotonic() < deadline:
        time.sleep(0.1)
    mails = list(spool.glob("*.eml"))
    assert len(mails) == 1
    return re.search(rb"https?://[^\s/]+/register", mails[0].read_bytes()).group(0).decode()


def test_two_server_processes_and_one_worker(cli_env, tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "challenge", "serve", "--port", str(port), "--workers", "2"],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base)
        commands = [_command(pid) for pid in _children(server.pid)]
        assert sum("challenge worker" in c for c in commands) == 1  # the worker runs once
        assert sum("multiprocessing.spawn" in c for c in commands) == 2  # two server processes
        for _ in range(20):
            assert httpx.get(f"{base}/").status_code == 200
        # the worker process delivers the mail, linking to the port served
        assert _reset_mail_link(base, tmp_path / "var" / "mail") == f"{base}/register"
        children = _children(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode == 0
    assert not [pid for pid in children if _command(pid)]  # none of them is left running
