"""Waiting for a `challenge serve` started as a subprocess (benchmarks, browser journeys, scale-out)."""

from __future__ import annotations

import time

import httpx


def wait_until_ready(base: str, seconds: float = 90.0) -> None:
    """Until GET /readyz answers 200; a server that does not come up is an error, not a hang."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{base} did not start")
