"""Background jobs: staff start one (e.g. all certificates of a call), a worker runs it and
reports progress that pages poll.

Any number of workers may run. A worker claims one pending job with a lease (PostgreSQL:
``FOR UPDATE SKIP LOCKED``; SQLite: an IMMEDIATE transaction). While a job runs, its worker
extends the lease every few seconds (a heartbeat, besides every progress report), so the lease
is short: a job whose worker died is claimed again within half a minute and, because handlers
skip work already done, continues where it stopped. A job interrupted by a database fault
(a dropped connection) is not failed: its lease is given up, and the next poll resumes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from uuid import UUID

from piccolo.engine.sqlite import SQLiteEngine

from challenge import db
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.dbfaults import is_transient
from challenge.platform.domains import JobHandler, each
from challenge.platform.jobs.tables import Job
from challenge.platform.mail.worker import new_worker_id
from challenge.settings import Settings

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
HEARTBEAT = timedelta(seconds=5)
ERROR_MAX = 500

Progress = Callable[[int, int | None], Awaitable[None]]

_PG_CLAIM = """
UPDATE jobs SET status = 'running', claimed_by = {}, claimed_until = {}, attempts = attempts + 1,
       started_at = COALESCE(started_at, {})
WHERE id = (
    SELECT id FROM jobs
    WHERE status = 'pending' OR (status = 'running' AND claimed_until < {})
    ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED
)
RETURNING id
"""


ACTIVE = ("pending", "running")


async def submit(kind: str, subject: str, *, actor=None, payload: dict | None = None) -> dict:
    """Start a job, or return the one of the same kind and subject that is still active."""
    if handler_for(kind) is None:
        raise ValueError(f"unknown job kind {kind!r}")
    async with db.write_transaction():
        active = (
            await Job.select()
            .where((Job.kind == kind) & (Job.subject == subject) & Job.status.is_in(list(ACTIVE)))
            .first()
        )
        if active:
            return active
        job = Job(
            kind=kind,
            subject=subject,
            payload=payload or {},
            created_by=getattr(actor, "id", None),
            created_at=clock.now(),
        )
        await job.save()
        await record(
            "job.submitted",
            actor=actor,
            object_type="job",
            object_id=job.id,
            payload={"kind": kind, "subject": subject},
        )
    return await get(job.id)


async def get(job_id: UUID) -> dict | None:
    return await Job.select().output(load_json=True).where(Job.id == job_id).first()


async def latest(kind: str, subject: str) -> dict | None:
    return (
        await Job.select()
        .output(load_json=True)
        .where((Job.kind == kind) & (Job.subject == subject))
        .order_by(Job.created_at, ascending=False)
        .first()
    )


# worker id -> the job a database fault interrupted; that worker takes it up again first,
# even while its lease still runs (the fault may also have kept the lease from being given up).
_interrupted: dict[str, UUID] = {}


async def _resume(worker_id: str, now: datetime) -> UUID | None:
    job_id = _interrupted.get(worker_id)
    if job_id is None:
        return None
    mine = (Job.id == job_id) & (Job.claimed_by == worker_id) & (Job.status == "running")
    if await Job.exists().where(mine):
        await Job.update({Job.claimed_until: now + LEASE}).where(mine)
        _interrupted.pop(worker_id, None)
        return job_id
    _interrupted.pop(worker_id, None)
    return None


async def _claim(worker_id: str, now: datetime) -> UUID | None:
    resumed = await _resume(worker_id, now)
    if resumed is not None:
        return resumed
    until = now + LEASE
    if not isinstance(db.current_engine(), SQLiteEngine):
        rows = await Job.raw(_PG_CLAIM, worker_id, until, now, now)
        return rows[0]["id"] if rows else None
    async with db.write_transaction():
        row = (
            await Job.select(Job.id)
            .where(
                (Job.status == "pending") | ((Job.status == "running") & (Job.claimed_until < now))
            )
            .order_by(Job.created_at)
            .first()
        )
        if row is None:
            return None
        job = await Job.select(Job.attempts, Job.started_at).where(Job.id == row["id"]).first()
        await Job.update(
            {
                Job.status: "running",
                Job.claimed_by: worker_id,
                Job.claimed_until: until,
                Job.attempts: job["attempts"] + 1,
                Job.started_at: job["started_at"] or now,
            }
        ).where(Job.id == row["id"])
        return row["id"]


def handler_for(kind: str) -> JobHandler | None:
    """The handler an installed domain names for this kind of job (``Domain.job_handlers``)."""
    for _domain, handlers in each("job_handlers"):
        if kind in handlers:
            return handlers[kind]
    return None


def _resolve(kind: str) -> JobHandler:
    handler = handler_for(kind)
    if handler is None:
        raise ValueError(f"unknown job kind {kind!r}")
    return handler


async def run_one(settings: Settings, worker_id: str | None = None) -> bool:
    """Claim and run one due job; False when there was none."""
    worker_id = worker_id or new_worker_id()
    job_id = await _claim(worker_id, clock.now())
    if job_id is None:
        return False
    job = await get(job_id)
    mine = (Job.id == job_id) & (Job.claimed_by == worker_id)

    async def progress(done: int, total: int | None = None) -> None:
        values = {Job.done: done, Job.claimed_until: clock.now() + LEASE}
        if total is not None:
            values[Job.total] = total
        await Job.update(values).where(mine)

    async def heartbeat() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT.total_seconds())
            try:
                await extend_lease(job_id, worker_id, clock.now() + LEASE)
            except Exception as exc:  # noqa: BLE001 - the database may be away for a moment
                log.warning("job %s: lease not extended: %s", job_id, exc)

    beat = asyncio.create_task(heartbeat())
    try:
        await _resolve(job["kind"])(settings, job, progress)
    except Exception as error:  # noqa: BLE001 - a failed job is shown to staff, who may start it again
        if is_transient(error):
            # The database, not the job, failed: give the claim up so the next poll (this
            # worker's or another's) resumes the job where it stopped.
            log.warning(
                "job %s (%s) interrupted by a database fault: %s", job_id, job["kind"], error
            )
            _interrupted[worker_id] = job_id
            with contextlib.suppress(
                Exception
            ):  # if the database is still away, the lease runs out
                await Job.update({Job.claimed_until: clock.now() - timedelta(seconds=1)}).where(
                    mine
                )
            return True
        log.exception("job %s (%s) failed", job_id, job["kind"])
        await Job.update(
            {
                Job.status: "failed",
                Job.error: f"{type(error).__name__}: {error}"[:ERROR_MAX],
                Job.finished_at: clock.now(),
                Job.claimed_until: None,
            }
        ).where(mine)
        return True
    finally:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat
    await Job.update(
        {Job.status: "done", Job.finished_at: clock.now(), Job.claimed_until: None}
    ).where(mine)
    return True


async def extend_lease(job_id: UUID, worker_id: str, until: datetime) -> None:
    """The heartbeat: a running job stays its worker's until ``until``."""
    await Job.update({Job.claimed_until: until}).where(
        (Job.id == job_id) & (Job.claimed_by == worker_id) & (Job.status == "running")
    )


async def run_jobs(
    settings: Settings,
    *,
    stop: asyncio.Event,
    worker_id: str | None = None,
    poll_interval: float = 1.0,
) -> None:
    """Run due jobs one after another until stop is set."""
    worker_id = worker_id or new_worker_id()
    while not stop.is_set():
        try:
            ran = await run_one(settings, worker_id)
        except Exception:  # noqa: BLE001 - the database may be away for a moment; try again
            log.exception("job runner failed")
            ran = False
        if ran:
            continue
        try:
            await asyncio.wait_for(stop.wait(), timeout=poll_interval)
        except TimeoutError:
            pass
