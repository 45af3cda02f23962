"""Operational metrics beside Litestar's request metrics on /metrics: the outbox (depth by
status, age of the oldest pending mail, failures) and background jobs (by kind and status, run
time of the latest finished one). They come from the database, so a web replica reports what
every worker did; a lifespan task refreshes them every few seconds."""

from __future__ import annotations

import asyncio
import logging

from piccolo.query.functions.aggregate import Count
from prometheus_client import Gauge

from challenge.platform import clock
from challenge.platform.jobs.tables import JOB_STATES, Job
from challenge.platform.mail.worker import outbox_stats

log = logging.getLogger(__name__)
REFRESH_SECONDS = 15

OUTBOX = Gauge(
    "challenge_outbox_mails",
    "Mails in the outbox by status (failed: given up after retries)",
    ["status"],
)
OUTBOX_OLDEST = Gauge(
    "challenge_outbox_oldest_pending_seconds", "Age of the oldest mail waiting to be sent"
)
JOBS = Gauge("challenge_jobs", "Background jobs by kind and status", ["kind", "status"])
JOB_SECONDS = Gauge(
    "challenge_job_last_run_seconds", "Run time of the latest finished job of a kind", ["kind"]
)


async def refresh() -> None:
    stats = await outbox_stats()
    for status, count in stats.items():
        if status != "oldest_pending_seconds":
            OUTBOX.labels(status=status).set(count)
    OUTBOX_OLDEST.set(stats["oldest_pending_seconds"] or 0)
    counts = {
        (r["kind"], r["status"]): r["n"]
        for r in await Job.select(Job.kind, Job.status, Count(alias="n")).group_by(
            Job.kind, Job.status
        )
    }
    for kind in {k for k, _ in counts}:
        for status in JOB_STATES:
            JOBS.labels(kind=kind, status=status).set(counts.get((kind, status), 0))
        latest = (
            await Job.select(Job.started_at, Job.finished_at)
            .where(
                (Job.kind == kind)
                & (Job.status == "done")
                & Job.started_at.is_not_null()
                & Job.finished_at.is_not_null()
            )
            .order_by(Job.finished_at, ascending=False)
            .first()
        )
        if latest:
            JOB_SECONDS.labels(kind=kind).set(
                (latest["finished_at"] - latest["started_at"]).total_seconds()
            )


async def run_refresh(stop: asyncio.Event, interval: float = REFRESH_SECONDS) -> None:
    while not stop.is_set():
        try:
            await refresh()
        except Exception:  # noqa: BLE001 - metrics must never take the portal down
            log.exception("metrics refresh failed at %s", clock.now())
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            pass
