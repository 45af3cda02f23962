"""`challenge serve --workers N`: N server processes answer, the outbox worker runs once beside
them, and SIGTERM ends them all (issue 25)."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.benchmarks.startup import free_port
from tests.support.servers import reset_mail_text, wait_until_ready


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _ends(pid: int, within: float = 10.0) -> bool:
    """Whether the process has ended or ends within ``within`` seconds (waiting on its pidfd,
    which becomes readable when it exits: multiprocessing's resource tracker, a child of the
    server, ends only after the server has, once it notices its pipe closed)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ready, _, _ = select.select([fd], [], [], within)
        return bool(ready)
    finally:
        os.close(fd)


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
        # the worker process delivers the mail once, linking to the port served
        spool = tmp_path / "var" / "mail"
        text = reset_mail_text(base, spool, "niemand@example.org")
        assert re.search(r"https?://[^\s/]+/register", text).group(0) == f"{base}/register"
        assert len(list(spool.glob("*.eml"))) == 1
        children = _children(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert server.returncode == 0
    assert not [pid for pid in children if not _ends(pid)]  # none of them is left running
