"""Fixed-window rate limits stored in the database, so every replica shares them.

A subject that is an IP address is counted by its network (client_ip.network_key): an IPv6
address by its /64, which one connection may rotate through; IPv4 as it is. Every per-address
limit of the portal goes through here, so none of them can be sidestepped inside a /64."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from challenge.platform import clock
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security.client_ip import network_key
from challenge.platform.security.tables import RateLimitCounter


@dataclass(frozen=True)
class Limit:
    name: str
    limit: int
    window_seconds: int


# The limits in force (reported in the closing note and the README).
LOGIN_PER_IP = Limit("login-ip", 30, 15 * 60)
LOGIN_FAILURES_PER_ACCOUNT = Limit("login-fail", 5, 15 * 60)
REGISTER_PER_IP = Limit("register-ip", 10, 60 * 60)
RESET_PER_IP = Limit("reset-ip", 10, 60 * 60)
RESET_PER_EMAIL = Limit("reset-email", 3, 60 * 60)
MAIL_LINKS_PER_IP = Limit("mail-link-ip", 30, 60 * 60)  # verification and reset links followed
INVITES_PER_USER = Limit("invite-user", 40, 60 * 60)  # team and jury invitations sent by one person
INVITES_PER_RECIPIENT = Limit("invite-email", 5, 60 * 60)  # invitations to one address, from anyone


@dataclass(frozen=True)
class Verdict:
    count: int
    allowed: bool
    retry_after: int


def _window(limit: Limit, subject: str, now: datetime) -> tuple[str, datetime]:
    index = int(now.timestamp()) // limit.window_seconds
    ends = datetime.fromtimestamp((index + 1) * limit.window_seconds, UTC)
    return f"{limit.name}:{network_key(subject)}:{index}", ends


async def hit(limit: Limit, subject: str, now: datetime | None = None) -> Verdict:
    """Count one event for subject in the current window; allowed while within the limit."""
    now = now or clock.now()
    key, ends = _window(limit, subject, now)
    rows = await RateLimitCounter.raw(
        "INSERT INTO rate_limits (key, count, expires_at) VALUES ({}, 1, {}) "
        "ON CONFLICT (key) DO UPDATE SET count = rate_limits.count + 1 RETURNING count",
        key,
        ends,
    )
    count = rows[0]["count"]
    return Verdict(count, count <= limit.limit, max(1, int((ends - now).total_seconds())))


async def peek(limit: Limit, subject: str, now: datetime | None = None) -> Verdict:
    """The current window's count without counting (e.g. a locked account)."""
    now = now or clock.now()
    key, ends = _window(limit, subject, now)
    row = (
        await RateLimitCounter.select(RateLimitCounter.count)
        .where(RateLimitCounter.key == key)
        .first()
    )
    count = row["count"] if row else 0
    return Verdict(count, count < limit.limit, max(1, int((ends - now).total_seconds())))


async def reset(limit: Limit, subject: str, now: datetime | None = None) -> None:
    key, _ = _window(limit, subject, now or clock.now())
    await RateLimitCounter.delete().where(RateLimitCounter.key == key)


async def purge_expired(now: datetime | None = None) -> None:
    """Drop finished windows (run by the worker)."""
    cutoff = (now or clock.now()) - timedelta(seconds=1)
    await RateLimitCounter.delete().where(RateLimitCounter.expires_at < cutoff)


def too_many(verdict: Verdict) -> Problem:
    return Problem(
        429,
        "rate_limited",
        N_("Too many attempts. Please wait a few minutes and try again."),
        extra={"retry_after": verdict.retry_after},
        headers={"Retry-After": str(verdict.retry_after)},
    )
