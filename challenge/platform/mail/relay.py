"""The relay's budget: at most CHALLENGE_MAIL_RATE_PER_MINUTE mails handed to the SMTP relay in
any 60 seconds, over every worker process (an announcement to thousands must not get the city's
sender blocked).

Each claim that counts writes how many mails it took into the shared rate-limit table (one row
per claim, expiring 60 s later: a sliding window, not a fixed minute that allows twice the rate
across its boundary); a claim takes at most what the last 60 s left over. Counting claims runs one
at a time (PostgreSQL: a transaction-scoped advisory lock; SQLite: the IMMEDIATE write
transaction), so two workers never spend the same remainder. The time is the worker's clock
(``challenge.platform.clock``), so tests move it instead of sleeping.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from piccolo.engine.sqlite import SQLiteEngine

from challenge.db import current_engine
from challenge.platform.security.tables import RateLimitCounter
from challenge.settings import Settings

WINDOW = timedelta(seconds=60)
PREFIX = "mail-relay:"
LOCK_KEY = 0x6D61696C  # the advisory lock of the relay budget ("mail")


def rate_of(settings: Settings) -> int:
    """Mails per minute the workers may hand to the relay; 0 for no limit. Mails written to the
    spool folder (no CHALLENGE_SMTP_URL) pass no relay and are not limited."""
    return settings.mail_rate_per_minute if settings.smtp_url else 0


async def serialise() -> None:
    """Inside the claim's write transaction: one claim at a time counts the budget."""
    if not isinstance(current_engine(), SQLiteEngine):
        await RateLimitCounter.raw("SELECT pg_advisory_xact_lock({})", LOCK_KEY)


async def remaining(rate: int, now: datetime) -> int:
    """What the last 60 s left of the budget (claims dated after ``now`` do not count: another
    worker's clock may be a little ahead, and a test's frozen clock may have been later)."""
    rows = await RateLimitCounter.select(RateLimitCounter.count).where(
        RateLimitCounter.key.like(f"{PREFIX}%")
        & (RateLimitCounter.expires_at > now)
        & (RateLimitCounter.expires_at <= now + WINDOW)
    )
    return max(rate - sum(row["count"] for row in rows), 0)


async def spend(taken: int, now: datetime, worker_id: str) -> None:
    """Record that a claim at ``now`` took ``taken`` mails (kept for the window's 60 s)."""
    if taken:
        key = f"{PREFIX}{now.isoformat()}:{worker_id}:{secrets.token_hex(4)}"
        await RateLimitCounter(key=key[:250], count=taken, expires_at=now + WINDOW).save()
