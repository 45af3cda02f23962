"""The process pool PDFs are rendered in: its processes die with the process that started it.

A worker killed with SIGKILL cannot shut its pool down; on Linux each pool process asks the
kernel for SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG), and everywhere it also
watches its parent's pid, so no renderer is left running as an orphan.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1
WATCH_INTERVAL = 1.0


def _die_with_parent(parent: int) -> None:
    """Pool initializer (runs in each pool process)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the signal was asked for
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def process_pool(max_workers: int) -> ProcessPoolExecutor:
    """A spawn-started pool (it must not inherit the web process's threads and event loop by
    forking) whose processes end when this process ends, however it ends."""
    return ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
