"""Rate limits of the discussion: supports, comments and reports, per person and per IP.

A refused attempt answers 429 ``rate_limited`` (problem+json on the API, a message on the
pages). Every attempt counts, whether it changed anything or not."""

from __future__ import annotations

from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.security import ratelimit

HOUR = 60 * 60

SUPPORTS_PER_USER = ratelimit.Limit("support-user", 120, HOUR)
SUPPORTS_PER_IP = ratelimit.Limit("support-ip", 600, HOUR)
COMMENTS_PER_USER = ratelimit.Limit("comment-user", 20, HOUR)
COMMENTS_PER_IP = ratelimit.Limit("comment-ip", 60, HOUR)
REPORTS_PER_USER = ratelimit.Limit("report-user", 30, HOUR)
REPORTS_PER_IP = ratelimit.Limit("report-ip", 60, HOUR)
# reports without an account: one place in a network may send only a few
ANONYMOUS_REPORTS_PER_IP = ratelimit.Limit("report-anon-ip", 5, HOUR)


async def _hit_all(pairs: list[tuple[ratelimit.Limit, str]]) -> None:
    for limit, subject in pairs:
        verdict = await ratelimit.hit(limit, subject)
        if not verdict.allowed:
            raise ratelimit.too_many(verdict)


async def supporting(user: CurrentUser, ip: str) -> None:
    """Count one support or withdrawal (429 past the limit)."""
    await _hit_all([(SUPPORTS_PER_USER, str(user.id)), (SUPPORTS_PER_IP, ip)])


async def commenting(user: CurrentUser, ip: str) -> None:
    """Count one comment (429 past the limit)."""
    await _hit_all([(COMMENTS_PER_USER, str(user.id)), (COMMENTS_PER_IP, ip)])


async def reporting(user: CurrentUser | None, ip: str) -> None:
    """Count one report; visitors without an account have a tight limit per IP."""
    if user is None:
        await _hit_all([(ANONYMOUS_REPORTS_PER_IP, ip)])
        return
    await _hit_all([(REPORTS_PER_USER, str(user.id)), (REPORTS_PER_IP, ip)])
