"""Periodic work the workers run: expired sessions, rate-limit windows and mail tokens, the
domains' retention rules and periodic tasks (e.g. milestone reminders) and, hourly, the storage sweep (orphaned
objects and incomplete multipart uploads older than a day).

Every statement is an idempotent delete, so several workers may run it side by side.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from challenge.platform import clock
from challenge.platform.accounts import sessions
from challenge.platform.accounts.tables import EmailToken
from challenge.platform.domains import each
from challenge.platform.security import ratelimit
from challenge.settings import Settings

log = logging.getLogger("challenge.housekeeping")
INTERVAL_SECONDS = 600
ORPHAN_SWEEP_EVERY = timedelta(hours=1)
_last_sweep: datetime | None = None


async def housekeeping(settings: Settings, now: datetime | None = None) -> None:
    global _last_sweep
    now = now or clock.now()
    await sessions.purge_expired(settings.session_idle_hours, now)
    await ratelimit.purge_expired(now)
    await EmailToken.delete().where(EmailToken.expires_at < now - timedelta(days=7))
    from challenge.platform.idempotency import purge_expired as purge_idempotency_keys

    await purge_idempotency_keys(now)  # kept for 24 hours
    from challenge.platform.privacy import apply_retention

    await apply_retention(settings, now)  # e.g. drafts of long-closed calls
    await run_periodic(settings, now)  # e.g. milestone reminders
    # Listing a whole bucket is not free: sweep for orphaned objects once an hour.
    if _last_sweep is None or now - _last_sweep >= ORPHAN_SWEEP_EVERY:
        from challenge.platform.storage import storage_from_settings

        await sweep_storage(storage_from_settings(settings), now)
        _last_sweep = now


async def run_periodic(settings: Settings, now: datetime) -> None:
    """Every installed domain's periodic tasks, in stage order; one failing stops no other."""
    for domain, tasks in each("periodic"):
        for task in tasks:
            try:
                await task(settings, now)
            except Exception:  # noqa: BLE001 - one domain's failure must not stop the others
                log.exception("periodic task of %s failed", domain.name)


async def sweep_storage(storage, now: datetime | None = None) -> tuple[int, int]:
    """What failed uploads left in the storage: objects without a row and incomplete (multipart)
    uploads, both older than a day. Returns (objects removed, uploads aborted); a storage that
    cannot be reached is logged and swept again next hour."""
    from challenge.platform.documents.orphans import GRACE, remove_orphans
    from challenge.platform.storage import StorageUnavailable

    now = now or clock.now()
    removed = aborted = 0
    try:
        aborted = await storage.abort_incomplete_uploads(now - GRACE)
    except StorageUnavailable as exc:
        log.warning("could not list incomplete uploads: %s", exc)
    try:
        removed = await remove_orphans(storage, now)
    except StorageUnavailable as exc:
        log.warning("could not sweep for orphaned objects: %s", exc)
    if removed or aborted:
        log.info(
            "storage sweep: %d orphaned objects removed, %d incomplete uploads aborted",
            removed,
            aborted,
        )
    return removed, aborted


async def run_housekeeping(
    settings: Settings, *, stop: asyncio.Event, interval: float = INTERVAL_SECONDS
) -> None:
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


async def run_background(
    settings: Settings, *, stop: asyncio.Event, poll_interval: float = 1.0
) -> None:
    """Everything a worker does: deliver mail, run jobs and keep house, until stop is set."""
    from challenge.platform.jobs.service import run_jobs
    from challenge.platform.mail.worker import run_worker

    await asyncio.gather(
        run_worker(settings, stop=stop, poll_interval=poll_interval),
        run_jobs(settings, stop=stop, poll_interval=poll_interval),
        run_housekeeping(settings, stop=stop),
    )
