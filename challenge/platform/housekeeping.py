"""Periodic clean-up the workers run: expired sessions, rate-limit windows and mail tokens.

Every statement is an idempotent delete, so several workers may run it side by side.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from challenge.platform.accounts import sessions
from challenge.platform.accounts.tables import EmailToken
from challenge.platform.security import ratelimit
from challenge.settings import Settings

log = logging.getLogger("challenge.housekeeping")
INTERVAL_SECONDS = 600


async def housekeeping(settings: Settings, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    await sessions.purge_expired(settings.session_idle_hours, now)
    await ratelimit.purge_expired(now)
    await EmailToken.delete().where(EmailToken.expires_at < now - timedelta(days=7))


async def run_housekeeping(settings: Settings, *, stop: asyncio.Event, interval: float = INTERVAL_SECONDS) -> None:
    """Clean up now and then every interval seconds until stop is set."""
    while not stop.is_set():
        try:
            await housekeeping(settings)
        except Exception:  # noqa: BLE001 - a failed run is retried next interval
            log.exception("housekeeping failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            pass


async def run_background(settings: Settings, *, stop: asyncio.Event, poll_interval: float = 1.0) -> None:
    """Everything a worker does: deliver mail and keep house, until stop is set."""
    from challenge.platform.mail.worker import run_worker

    await asyncio.gather(
        run_worker(settings, stop=stop, poll_interval=poll_interval),
        run_housekeeping(settings, stop=stop),
    )
