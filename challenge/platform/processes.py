"""A child process kept running: the worker that `challenge serve --workers N` starts beside its
server processes is started again when it ends unexpectedly, and ended with the server."""

from __future__ import annotations

import logging
import subprocess
import threading
from collections.abc import Sequence

log = logging.getLogger("challenge.processes")


class KeptRunning:
    """Runs ``command``; a watcher thread starts it again ``restart_delay`` seconds after it ends
    unless :meth:`stop` was called."""

    def __init__(self, command: Sequence[str], *, restart_delay: float = 2.0) -> None:
        self.command = list(command)
        self.restart_delay = restart_delay
        self.starts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._watcher = threading.Thread(target=self._watch, name="kept-running", daemon=True)

    def start(self) -> KeptRunning:
        self._spawn()
        self._watcher.start()
        return self

    def _spawn(self) -> None:
        with self._lock:
            if not self._stopping.is_set():
                self._process = subprocess.Popen(self.command)
                self.starts += 1

    def _watch(self) -> None:
        while True:
            process = self._process
            code = process.wait() if process else None
            if self._stopping.is_set():
                return
            log.error("%s ended (exit code %s); starting it again", " ".join(self.command), code)
            if self._stopping.wait(self.restart_delay):
                return
            self._spawn()

    def stop(self, timeout: float) -> None:
        """End the process (SIGTERM, then SIGKILL after ``timeout`` seconds); no restart."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._watcher.is_alive():
            self._watcher.join(timeout)  # it sees the stop and starts nothing more
