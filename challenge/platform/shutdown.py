"""Bounded shutdown: after SIGTERM (or Ctrl-C) the process is gone within a deadline, whatever
hangs — a request waiting for a dead database, a job in the middle of a PDF, a pool that will
not close. Graceful steps come first; this is the last resort."""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

DEADLINE = 14.0  # seconds from SIGTERM to exit; orchestrators usually wait 30 s before SIGKILL
GRACEFUL_HTTP = 5  # seconds uvicorn waits for requests in flight


def exit_within(seconds: float = DEADLINE) -> None:
    """Start (once) a daemon timer that ends the process if it is still running after ``seconds``."""
    if getattr(exit_within, "armed", False):
        return
    exit_within.armed = True

    def expire() -> None:
        log.error("shutdown took longer than %.0f s; exiting now", seconds)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001, S110 - exiting anyway
                pass
        os._exit(1)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
