"""Server-side sessions in the database: any replica serves any user."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from uuid import UUID

from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.tables import RoleGrant, Session, User
from challenge.platform.domains import each

# last_seen_at is written at most this often, so browsing costs no write per request.
TOUCH_INTERVAL = timedelta(seconds=60)


def cookie_name(https: bool) -> str:
    """__Host- binds the cookie to this exact origin over HTTPS."""
    return "__Host-session" if https else "session"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_session(
    user_id: UUID, *, max_days: int, ip: str = "", user_agent: str = ""
) -> str:
    """Start a session; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    await Session(
        id=_digest(token),
        user=user_id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=max_days),
        ip=ip[:45],
        user_agent=user_agent[:300],
    ).save()
    return token


async def roles_of(user_id: UUID) -> frozenset[str]:
    """The global roles granted to the user."""
    rows = await RoleGrant.select(RoleGrant.role).where(RoleGrant.user == user_id)
    return frozenset(row["role"] for row in rows)


async def identity_for(user: dict, **extra) -> CurrentUser:
    """The signed-in identity of a user row, with its roles."""
    return CurrentUser(
        id=user["id"],
        email=user["email"],
        name=user["name"],
        locale=user["locale"],
        affiliation=user["affiliation"],
        roles=await roles_of(user["id"]),
        areas=await areas_of(user["id"]),
        **extra,
    )


async def areas_of(user_id: UUID) -> frozenset[str]:
    """The areas the installed domains open to the user (``Domain.user_areas``)."""
    areas: set[str] = set()
    for _domain, reads in each("user_areas"):
        areas |= await reads(user_id)
    return frozenset(areas)


async def resolve_session(
    token: str, *, idle_hours: int, now: datetime | None = None
) -> CurrentUser | None:
    """The user of a live session, or None if unknown, idle too long or past its lifetime."""
    now = now or clock.now()
    session_id = _digest(token)
    row = (
        await Session.select(Session.last_seen_at, Session.expires_at, *Session.user.all_columns())
        .where(Session.id == session_id)
        .first()
    )
    if row is None:
        return None
    if now >= row["expires_at"] or now - row["last_seen_at"] >= timedelta(hours=idle_hours):
        await Session.delete().where(Session.id == session_id)
        return None
    if not row["user.is_active"]:
        return None
    if now - row["last_seen_at"] >= TOUCH_INTERVAL:
        await Session.update({Session.last_seen_at: now}).where(Session.id == session_id)
    user = {
        key.removeprefix("user."): value for key, value in row.items() if key.startswith("user.")
    }
    return await identity_for(user, session_id=session_id)


async def end_session(token: str) -> None:
    """Forget one session (log out on this device)."""
    await Session.delete().where(Session.id == _digest(token))


async def end_all_sessions(user_id: UUID) -> int:
    """Log the user out everywhere (password change, reset, deactivation)."""
    count = await Session.count().where(Session.user == user_id)
    await Session.delete().where(Session.user == user_id)
    return count


async def purge_expired(idle_hours: int, now: datetime | None = None) -> None:
    """Delete sessions past their end or idle longer than ``idle_hours``."""
    now = now or clock.now()
    await Session.delete().where(
        (Session.expires_at < now) | (Session.last_seen_at < now - timedelta(hours=idle_hours))
    )


async def user_row(user_id: UUID) -> dict | None:
    """The user's row, or None."""
    return await User.select().where(User.id == user_id).first()
