"""`challenge restore` and a running portal (issue 26, point 6): the restore refuses while
`challenge serve` or `challenge worker` runs and names them, unless --force; a stopped or killed
portal does not block it; a portal started during a restore waits and then serves the restored
data. Real processes on the embedded default (restore covers SQLite and local documents only;
PostgreSQL is restored with pg_restore), so this runs the same on both engine passes."""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from challenge.platform import backup as backup_module
from challenge.settings import load_settings
from tests.support.s3 import free_port
from tests.support.servers import wait_until_ready

ORIGINAL = "Smart City Challenge 2025: Mobilität für alle"
CHANGED = "Nach dem Backup geändert"
CALL = "/calls/mobilitaet-2025"


def run(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "challenge", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """Demo data and a backup of it, made once; each test works on its own copy."""
    root = tmp_path_factory.mktemp("restore-template")
    data = root / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
    env.update(
        CHALLENGE_DATA_DIR=str(data),
        CHALLENGE_DATABASE_URL=f"sqlite:///{data / 'challenge.sqlite3'}",
        CHALLENGE_LOG_LEVEL="warning",
        CHALLENGE_PAGE_CACHE="false",
    )
    loaded = run(env, "demo")
    assert loaded.returncode == 0, loaded.stderr
    made = run(env, "backup", "--to", str(root / "backup"))
    assert made.returncode == 0, made.stderr
    return data, root / "backup"


class Portal:
    """The environment of one test's data and the `challenge` processes it starts."""

    def __init__(self, template, tmp_path: Path) -> None:
        source, backup = template
        self.data = tmp_path / "var"
        shutil.copytree(source, self.data)
        self.backup = backup
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CHALLENGE_")}
        self.env.update(
            CHALLENGE_DATA_DIR=str(self.data),
            CHALLENGE_DATABASE_URL=f"sqlite:///{self.data / 'challenge.sqlite3'}",
            CHALLENGE_LOG_LEVEL="warning",
            CHALLENGE_PAGE_CACHE="false",
            CHALLENGE_LOG_FORMAT="text",
        )
        self.processes: list[subprocess.Popen] = []
        # the live data moves on after the backup
        connection = sqlite3.connect(self.data / "challenge.sqlite3")
        with connection:
            connection.execute(
                "UPDATE calls SET title = ? WHERE slug = 'mobilitaet-2025'", (CHANGED,)
            )
        connection.close()

    def start(self, *args: str) -> tuple[subprocess.Popen, Lines]:
        process = subprocess.Popen(
            [sys.executable, "-m", "challenge", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append(process)
        return process, Lines(process)

    def serve(self, *extra: str) -> tuple[subprocess.Popen, str]:
        port = free_port()
        process, _lines = self.start("serve", "--port", str(port), *extra)
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base, seconds=60)
        return process, base

    def restore(self, *extra: str) -> subprocess.CompletedProcess:
        return run(self.env, "restore", "--from", str(self.backup), *extra)

    def title(self) -> str:
        connection = sqlite3.connect(self.data / "challenge.sqlite3")
        try:
            return connection.execute(
                "SELECT title FROM calls WHERE slug = 'mobilitaet-2025'"
            ).fetchone()[0]
        finally:
            connection.close()

    def snapshot(self) -> tuple[list[str], dict[str, str]]:
        connection = sqlite3.connect(self.data / "challenge.sqlite3")
        try:
            dump = list(connection.iterdump())
        finally:
            connection.close()
        files = {
            p.relative_to(self.data / "documents").as_posix(): hashlib.sha256(
                p.read_bytes()
            ).hexdigest()
            for p in (self.data / "documents").rglob("*")
            if p.is_file()
        }
        return dump, files

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


class Lines:
    """A process's output, line by line, read in the background; waiting for a line is bounded."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.put(line)
        self.lines.put("")  # the process ended

    def wait_for(self, text: str, seconds: float = 60.0) -> str:
        while True:
            try:
                line = self.lines.get(timeout=seconds)
            except queue.Empty:
                raise AssertionError(
                    f"no line with {text!r} within {seconds} s: {self.seen}"
                ) from None
            if not line:
                raise AssertionError(f"the process ended without saying {text!r}: {self.seen}")
            self.seen.append(line)
            if text in line:
                return line


@pytest.fixture
def portal(template, tmp_path):
    world = Portal(template, tmp_path)
    yield world
    world.stop_all()


def test_restore_refuses_a_running_portal_and_worker_and_names_them(portal):
    serve, base = portal.serve("--no-worker")
    worker, worker_lines = portal.start("worker")
    worker_lines.wait_for("running")
    documents = portal.snapshot()[1]

    refused = portal.restore()

    assert refused.returncode == 1
    message = refused.stderr
    assert "the portal is running" in message
    assert f"`challenge serve` (process {serve.pid}" in message
    assert f"`challenge worker` (process {worker.pid}" in message
    assert "--force" in message and "nothing was replaced" in message
    # nothing replaced (the worker keeps writing its own rows, so no whole-database comparison)
    assert portal.title() == CHANGED and portal.snapshot()[1] == documents
    assert not (portal.data / "documents.restoring").exists()
    assert CHANGED in httpx.get(base + CALL).text  # the portal serves on, its data untouched


def test_force_restores_under_a_running_portal_and_warns(portal):
    serve, _base = portal.serve("--no-worker")

    forced = portal.restore("--force")

    assert forced.returncode == 0, forced.stderr
    assert "--force although the portal is running" in forced.stderr
    assert f"process {serve.pid}" in forced.stderr
    assert portal.title() == ORIGINAL


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "killed"])
def test_restore_proceeds_once_the_portal_has_stopped_or_was_killed(portal, how):
    serve, _base = portal.serve()  # with its in-process worker (and PDF pool)
    serve.send_signal(how)
    serve.wait(timeout=60)

    restored = portal.restore()

    assert restored.returncode == 0, restored.stderr
    assert "running" not in restored.stderr
    assert portal.title() == ORIGINAL
    # the killed portal's note of itself is cleared away by the restore
    assert not [
        p
        for p in (portal.data / "locks" / "processes").glob("*.json")
        if f"-{serve.pid}-" in p.name
    ]


def test_a_portal_started_during_a_restore_waits_and_serves_the_restored_data(portal, monkeypatch):
    halfway, go_on = threading.Event(), threading.Event()
    swap = backup_module._swap_documents

    def paused_swap(documents, staging):
        halfway.set()  # the database is restored, the documents are not yet
        assert go_on.wait(timeout=120)
        swap(documents, staging)

    monkeypatch.setattr(backup_module, "_swap_documents", paused_swap)
    settings = load_settings(portal.env)
    outcome: list[object] = []
    restoring = threading.Thread(
        target=lambda: outcome.append(backup_module.restore(settings, portal.backup)), daemon=True
    )
    restoring.start()
    assert halfway.wait(timeout=120)
    try:
        port = free_port()
        serve, lines = portal.start("serve", "--port", str(port))
        said = lines.wait_for("a restore is running")
        assert f"process {os.getpid()}" in said and "`challenge restore`" in said
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"http://127.0.0.1:{port}/readyz")
        another = portal.restore()
        assert another.returncode == 1 and "another restore is running" in another.stderr
    finally:
        go_on.set()
        restoring.join(timeout=120)
    assert outcome and not restoring.is_alive()

    base = f"http://127.0.0.1:{port}"
    wait_until_ready(base, seconds=60)
    page = httpx.get(base + CALL).text
    assert ORIGINAL in page and CHANGED not in page
    assert serve.poll() is None
