"""The outbox worker: claims due mails with a lease, delivers them, retries with backoff.

Any number of workers may run against one database. A claim marks rows ``sending`` with the
worker's id and a lease in one short transaction (PostgreSQL: ``FOR UPDATE SKIP LOCKED``;
SQLite: an IMMEDIATE transaction, so claimers queue); delivery happens outside it. While it
delivers, the worker extends the lease of the rows it still holds every few seconds (a
heartbeat), so the lease can be short: a worker that dies mid-batch leaves its rows to be
claimed by another within half a minute. A mail server that cannot be reached is retried
after a short, capped, jittered pause, so mail resumes soon after the server returns. With
CHALLENGE_MAIL_RATE_PER_MINUTE a claim takes no more than the relay's budget leaves (relay.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import secrets
import socket
import time
from datetime import datetime, timedelta

from piccolo.engine.sqlite import SQLiteEngine
from piccolo.query import OrderByRaw
from piccolo.query.functions.aggregate import Count

from challenge.db import current_engine, write_transaction
from challenge.platform import clock
from challenge.platform.mail import relay
from challenge.platform.mail.tables import OUTBOX_STATES, OutboxMail
from challenge.platform.mail.transports import (
    OutgoingMail,
    PermanentDeliveryError,
    Transport,
    build_message,
    relay_unreachable,
    sender_address,
    transport_from_settings,
)
from challenge.settings import Settings

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=30)
HEARTBEAT = timedelta(seconds=5)  # how often a worker extends the lease of the mails it holds
# Stop starting new deliveries this long before the (last extended) lease ends, so no other
# worker can claim a mail this one is still sending when the heartbeat cannot reach the database.
LEASE_MARGIN = timedelta(seconds=10)
# A mail server that cannot be reached: retry after 2, 4, 8, … seconds, at most 30, jittered.
RELAY_BACKOFF_FIRST = 2.0
RELAY_BACKOFF_CAP = 30.0
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = 6
ERROR_MAX = 500

_FIELDS = "id, to_address, subject, body_text, body_html, created_at, headers, attempts"

# Mails with legal weight first, then thread mails and digests, announcements last: a large
# announcement waiting for the relay's rate never holds up a password reset or a deadline.
PRIORITY = "CASE category WHEN 'transactional' THEN 0 WHEN 'announcement' THEN 2 ELSE 1 END"

_PG_CLAIM = f"""
UPDATE outbox SET status = 'sending', claimed_by = {{}}, claimed_until = {{}}
WHERE id IN (
    SELECT id FROM outbox
    WHERE (status = 'pending' AND next_attempt_at <= {{}})
       OR (status = 'sending' AND claimed_until < {{}})
    ORDER BY {PRIORITY}, created_at
    LIMIT {{}}
    FOR UPDATE SKIP LOCKED
)
RETURNING {_FIELDS}
"""


def new_worker_id() -> str:
    """A worker id unique across hosts and processes."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"[-80:]


def _due(now: datetime):
    return ((OutboxMail.status == "pending") & (OutboxMail.next_attempt_at <= now)) | (
        (OutboxMail.status == "sending") & (OutboxMail.claimed_until < now)
    )


async def _take(worker_id: str, limit: int, now: datetime) -> list[dict]:
    """Mark up to ``limit`` due mails as this worker's (inside the caller's write transaction on
    SQLite; one statement on PostgreSQL)."""
    until = now + LEASE
    if not isinstance(current_engine(), SQLiteEngine):
        return await OutboxMail.raw(_PG_CLAIM, worker_id, until, now, now, limit)
    rows = await (
        OutboxMail.select(*(getattr(OutboxMail, f) for f in _FIELDS.split(", ")))
        .where(_due(now))
        .order_by(OrderByRaw(PRIORITY))
        .order_by(OutboxMail.created_at)
        .limit(limit)
    )
    if rows:
        await OutboxMail.update(
            {
                OutboxMail.status: "sending",
                OutboxMail.claimed_by: worker_id,
                OutboxMail.claimed_until: until,
            }
        ).where(OutboxMail.id.is_in([row["id"] for row in rows]))
    return rows


async def _claim(worker_id: str, limit: int, now: datetime, rate: int = 0) -> list[dict]:
    """Claim due mails; with a ``rate`` (per minute) no more than the relay's budget leaves."""
    if not rate and not isinstance(current_engine(), SQLiteEngine):
        return await _take(worker_id, limit, now)
    async with write_transaction():
        if rate:
            await relay.serialise()
            limit = min(limit, await relay.remaining(rate, now))
            if limit <= 0:
                return []
        rows = await _take(worker_id, limit, now)
        if rate:
            await relay.spend(len(rows), now, worker_id)
    return rows


def _mine(mail_id, worker_id: str):
    # A worker whose lease ran out must not overwrite the outcome of the one that took over.
    return (
        (OutboxMail.id == mail_id)
        & (OutboxMail.status == "sending")
        & (OutboxMail.claimed_by == worker_id)
    )


def relay_backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Pause before trying a mail server that could not be reached again (capped, jittered:
    many workers do not return at the same moment)."""
    ceiling = min(RELAY_BACKOFF_FIRST * 2 ** max(attempts - 1, 0), RELAY_BACKOFF_CAP)
    return timedelta(seconds=ceiling * (rng or random).uniform(0.5, 1.0))


async def extend_lease(ids: list, worker_id: str, until: datetime) -> None:
    """The heartbeat: the mails this worker still holds stay its own until ``until``."""
    if ids:
        await OutboxMail.update({OutboxMail.claimed_until: until}).where(
            OutboxMail.id.is_in(ids)
            & (OutboxMail.status == "sending")
            & (OutboxMail.claimed_by == worker_id)
        )


async def _record(row: dict, worker_id: str, now: datetime, error: Exception | None) -> None:
    if error is None:
        values = {
            OutboxMail.status: "sent",
            OutboxMail.sent_at: now,
            OutboxMail.claimed_until: None,
            OutboxMail.last_error: "",
        }
    else:
        attempts = row["attempts"] + 1
        unreachable = relay_unreachable(error)
        # An unreachable server says nothing about the mail: it is never given up for that.
        permanent = isinstance(error, PermanentDeliveryError) or (
            attempts >= MAX_ATTEMPTS and not unreachable
        )
        delay = relay_backoff(attempts) if unreachable else BACKOFF[min(attempts, len(BACKOFF)) - 1]
        values = {
            OutboxMail.status: "failed" if permanent else "pending",
            OutboxMail.attempts: attempts,
            OutboxMail.last_error: f"{type(error).__name__}: {error}"[:ERROR_MAX],
            OutboxMail.next_attempt_at: now + delay,
            OutboxMail.claimed_until: None,
        }
    await OutboxMail.update(values).where(_mine(row["id"], worker_id))


async def _release(
    rows: list[dict], worker_id: str, next_attempt_at: datetime | None = None
) -> None:
    values = {OutboxMail.status: "pending", OutboxMail.claimed_until: None}
    if next_attempt_at is not None:
        values[OutboxMail.next_attempt_at] = next_attempt_at
    for row in rows:
        await OutboxMail.update(values).where(_mine(row["id"], worker_id))


class _Heartbeat:
    """Extends the lease of the mails still held every HEARTBEAT while a batch is delivered;
    ``deadline`` (monotonic) is when the last extension runs out, less the margin."""

    def __init__(self, rows: list[dict], worker_id: str, now: datetime, clock) -> None:
        self.held = [row["id"] for row in rows]
        self.worker_id, self.now, self.clock = worker_id, now, clock
        self.started = clock()
        self.deadline = self.started + (LEASE - LEASE_MARGIN).total_seconds()

    async def run(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT.total_seconds())
            beat = self.clock()
            try:
                await extend_lease(
                    self.held,
                    self.worker_id,
                    self.now + timedelta(seconds=beat - self.started) + LEASE,
                )
            except Exception as exc:  # noqa: BLE001 - the database may be away; the deadline stands
                log.warning("mail worker %s: lease not extended: %s", self.worker_id, exc)
                continue
            self.deadline = beat + (LEASE - LEASE_MARGIN).total_seconds()

    @contextlib.asynccontextmanager
    async def beating(self):
        task = asyncio.create_task(self.run())
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def deliver_batch(
    settings: Settings,
    *,
    worker_id: str,
    limit: int = 20,
    now: datetime | None = None,
    transport: Transport | None = None,
) -> int:
    """Claim up to ``limit`` due mails, deliver them, record the outcome; return how many."""
    now = now or clock.now()
    transport = transport or transport_from_settings(settings)
    sender = sender_address(settings)
    rows = await _claim(worker_id, limit, now, relay.rate_of(settings))
    if not rows:
        return 0
    async with _Heartbeat(rows, worker_id, now, time.monotonic).beating() as heartbeat:
        for index, row in enumerate(rows):
            if time.monotonic() > heartbeat.deadline:
                await _release(rows[index:], worker_id)
                break
            mail = OutgoingMail(**{k: row[k] for k in OutgoingMail.__dataclass_fields__})
            error: Exception | None = None
            try:
                await transport.send(build_message(mail, sender))
            except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
                error = exc
                # The id, not the address: logs are kept longer and wider than the outbox.
                log.warning(
                    "mail %s not delivered (attempt %d): %s", row["id"], row["attempts"] + 1, exc
                )
            await _record(row, worker_id, now, error)
            heartbeat.held.remove(row["id"])
            if error is not None and relay_unreachable(error):
                # The server is away: the others wait as long as this one, without an attempt.
                await _release(
                    rows[index + 1 :], worker_id, now + relay_backoff(row["attempts"] + 1)
                )
                break
    return len(rows)


async def run_worker(
    settings: Settings,
    *,
    stop: asyncio.Event,
    worker_id: str | None = None,
    poll_interval: float = 1.0,
    limit: int = 20,
) -> None:
    """Deliver due mails until ``stop`` is set; errors are logged and retried, never fatal."""
    worker_id = worker_id or new_worker_id()
    transport = transport_from_settings(settings)
    failures = 0
    log.info("mail worker %s started", worker_id)
    while not stop.is_set():
        try:
            handled = await deliver_batch(
                settings, worker_id=worker_id, limit=limit, transport=transport
            )
            failures = 0
        except Exception:  # noqa: BLE001 - e.g. the database is restarting
            failures += 1
            handled = 0
            log.exception("mail worker %s: batch failed", worker_id)
        if handled >= limit:
            continue  # more may be due right now
        # Back off while the database keeps failing, up to 10 s between tries (mail resumes
        # soon after the database returns).
        wait = min(poll_interval * 2 ** min(failures, 6), 10.0) if failures else poll_interval
        try:
            await asyncio.wait_for(stop.wait(), timeout=wait)
        except TimeoutError:
            pass
    log.info("mail worker %s stopped", worker_id)


async def outbox_stats(now: datetime | None = None) -> dict:
    """Mails per status and the age in seconds of the oldest pending one (for metrics)."""
    now = now or clock.now()
    stats: dict = dict.fromkeys(OUTBOX_STATES, 0)
    rows = await OutboxMail.select(OutboxMail.status, Count(alias="n")).group_by(OutboxMail.status)
    for row in rows:
        stats[row["status"]] = row["n"]
    oldest = await (
        OutboxMail.select(OutboxMail.created_at)
        .where(OutboxMail.status == "pending")
        .order_by(OutboxMail.created_at)
        .first()
    )
    stats["oldest_pending_seconds"] = (
        max((now - oldest["created_at"]).total_seconds(), 0.0) if oldest else None
    )
    return stats
