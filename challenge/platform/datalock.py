"""Who uses the embedded data right now: every `challenge serve` and `challenge worker` on SQLite
holds a shared advisory lock (fcntl.flock) on `<data dir>/locks/portal.lock` while it runs and
says who it is in `locks/processes/`; `challenge restore` needs that lock exclusively, so it sees a
running portal and can refuse. The operating system frees a lock when its process ends however it
ends, so a crashed or killed portal never blocks a restore. A restore holds `locks/restore.lock`
exclusively from start to end; a portal starting meanwhile waits for it before it touches the
database, so it never serves half-restored data.

PostgreSQL is restored with pg_restore, not with `challenge restore` (deploy/README.md), so only
SQLite processes take these locks."""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import secrets
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from challenge.platform import clock
from challenge.settings import Settings

LOCKS = "locks"
PORTAL_LOCK = "portal.lock"
RESTORE_LOCK = "restore.lock"
PROCESSES = "processes"

_held: list[object] = []  # keeps the lock files of this process open (and locked) until it exits


@dataclass(frozen=True)
class Holder:
    """A process that says it uses the data: what it is, its id and host, since when."""

    command: str
    pid: int
    host: str
    started_at: str

    def describe(self) -> str:
        since = self.started_at[:19].replace("T", " ")
        return f"`{self.command}` (process {self.pid} on {self.host}, running since {since} UTC)"


def _locks(settings: Settings) -> Path:
    path = settings.data_dir / LOCKS
    (path / PROCESSES).mkdir(parents=True, exist_ok=True)
    return path


def _open(path: Path) -> int:
    return os.open(
        path, os.O_RDWR | os.O_CREAT, 0o600
    )  # close-on-exec: child processes never hold it


def _try(fd: int, mode: int) -> bool:
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _me(command: str) -> dict:
    return {
        "command": command,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": clock.now().isoformat(),
    }


def _read_holder(fd: int) -> Holder | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = json.loads(os.read(fd, 4096).decode("utf-8"))
        return Holder(
            str(data["command"]), int(data["pid"]), str(data["host"]), str(data["started_at"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_holder(fd: int, command: str) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(_me(command)).encode("utf-8"))


def _say_waiting(command: str, restore: Holder | None) -> None:
    who = f" ({restore.describe()})" if restore else ""
    print(
        f"challenge: a restore is running{who}; {command} starts when it has finished.",
        file=sys.stderr,
        flush=True,
    )


def hold_for_process(
    settings: Settings, command: str, waiting: Callable[[str, Holder | None], None] = _say_waiting
) -> None:
    """Mark this process as using the embedded data until it exits (SQLite only). If a restore
    is running, say so (waiting) and block until it has finished."""
    if not settings.is_sqlite:
        return
    locks = _locks(settings)
    restore_fd = _open(locks / RESTORE_LOCK)
    try:
        if not _try(restore_fd, fcntl.LOCK_SH):
            waiting(command, _read_holder(restore_fd))
            fcntl.flock(restore_fd, fcntl.LOCK_SH)
        # taken while no restore can start (we hold restore.lock shared), so a restore that
        # starts after this sees us
        portal_fd = _open(locks / PORTAL_LOCK)
        fcntl.flock(portal_fd, fcntl.LOCK_SH)
    finally:
        os.close(restore_fd)
    # who we are, for the restore's message: written under a temporary name, locked, then
    # renamed into place, so a restore never mistakes a half-made file for a dead process
    running(
        settings
    )  # clears the notes of ended processes (uvicorn ends by its signal, so atexit may not run)
    name = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}.json"
    temporary = locks / PROCESSES / f".{name}"
    info_fd = _open(temporary)
    fcntl.flock(info_fd, fcntl.LOCK_EX)
    _write_holder(info_fd, command)
    final = locks / PROCESSES / name
    os.replace(temporary, final)
    _held.extend([portal_fd, info_fd])
    atexit.register(lambda: final.unlink(missing_ok=True))


def running(settings: Settings) -> list[Holder]:
    """The processes that hold their mark now; the files of ended processes are removed."""
    holders = []
    folder = _locks(settings) / PROCESSES
    for path in sorted(folder.glob("[!.]*.json")):  # not a note still being made (".name")
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            if _try(fd, fcntl.LOCK_EX):
                path.unlink(missing_ok=True)  # its process has ended (perhaps killed)
            elif (holder := _read_holder(fd)) is not None:
                holders.append(holder)
        finally:
            os.close(fd)
    return holders


class PortalRunning(Exception):
    """The portal or a worker is running, or another restore is; the message names them."""


@contextlib.contextmanager
def exclusive(settings: Settings, *, force: bool, warn: Callable[[str], None]) -> Iterator[None]:
    """Hold the data for a restore: refuse (PortalRunning) while processes use it, unless force;
    processes that start meanwhile wait until the block has ended."""
    locks = _locks(settings)
    restore_fd = _open(locks / RESTORE_LOCK)
    portal_fd = _open(locks / PORTAL_LOCK)
    try:
        if not _try(restore_fd, fcntl.LOCK_EX):
            other = _read_holder(restore_fd)
            raise PortalRunning(
                "another restore is running" + (f": {other.describe()}" if other else "")
            )
        _write_holder(restore_fd, "challenge restore")
        if not _try(portal_fd, fcntl.LOCK_EX):
            holders = running(settings)
            who = (
                ", ".join(h.describe() for h in holders) or "a process whose name it did not leave"
            )
            if not force:
                raise PortalRunning(
                    f"the portal is running and uses this data: {who}. Stop it first (a restore under a "
                    "running portal loses the sessions and uploads made since the backup), or pass "
                    "--force to restore anyway"
                )
            warn(
                f"restoring with --force although the portal is running: {who}. Restart it afterwards."
            )
        else:
            running(settings)  # clears the notes of processes that ended without removing theirs
        yield
    finally:
        os.close(portal_fd)  # closing frees the locks
        os.close(restore_fd)
