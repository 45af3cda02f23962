"""Server-side sessions in the database: any replica serves any user."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from uuid import UUID

from piccolo.engine.sqlite import SQLiteEngine

from challenge import db
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
    user_id: UUID,
    *,
    max_days: int,
    ip: str = "",
    user_agent: str = "",
    second_factor: bool = False,
    authenticated_at: datetime | None = None,
) -> str:
    """Start a session after the person proved who they are (``authenticated_at`` is now, or
    the earlier sign-in a replaced session carries over; ``second_factor`` when that included
    the second factor); returns the token for the cookie (only its hash is stored)."""
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
        authenticated_at=authenticated_at or now,
        second_factor=second_factor,
    ).save()
    return token


def _grants_sql(user: str) -> str:
    """SELECT-list items for the person whose id is the SQL expression ``user``: the roles,
    comma-joined, and one flag per area the installed domains open (``Domain.user_areas``)."""
    joined = "group_concat" if isinstance(db.current_engine(), SQLiteEngine) else "string_agg"
    items = [
        f"(SELECT {joined}(r.role, ',') FROM {RoleGrant._meta.tablename} r"
        f' WHERE r."user" = {user}) AS roles'
    ]
    for index, (_area, condition) in enumerate(_areas()):
        items.append(f"{condition.replace('{user}', user)} AS area_{index}")
    return ", ".join(items)


def _areas() -> list[tuple[str, str]]:
    return [(area, sql) for _domain, areas in each("user_areas") for area, sql in areas.items()]


def _identity(row: dict, **extra) -> CurrentUser:
    """The identity of a row holding the user's columns and ``_grants_sql``'s items."""
    return CurrentUser(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        locale=row["locale"],
        affiliation=row["affiliation"],
        roles=frozenset((row["roles"] or "").split(",")) - {""},
        areas=frozenset(
            area for index, (area, _sql) in enumerate(_areas()) if row.get(f"area_{index}")
        ),
        **extra,
    )


async def identity_for(user: dict, **extra) -> CurrentUser:
    """The signed-in identity of a user row, with its roles and areas (one query)."""
    rows = await User.raw(
        f"SELECT {_grants_sql('u.id')} FROM {User._meta.tablename} u WHERE u.id = {{}}",
        user["id"],
    )
    return _identity({**user, **(rows[0] if rows else {"roles": ""})}, **extra)


async def resolve_session(
    token: str, *, idle_hours: int, now: datetime | None = None
) -> CurrentUser | None:
    """The user of a live session, or None if unknown, idle too long or past its lifetime.
    One query reads the session, the person, their roles and areas (issue 25: this runs on
    every signed-in request)."""
    now = now or clock.now()
    session_id = _digest(token)
    rows = await Session.raw(
        "SELECT s.last_seen_at, s.expires_at, u.id, u.email, u.name, u.locale, u.affiliation,"
        f" u.is_active, {_grants_sql('u.id')}"
        f' FROM {Session._meta.tablename} s JOIN {User._meta.tablename} u ON u.id = s."user"'
        " WHERE s.id = {}",
        session_id,
    )
    if not rows:
        return None
    row = rows[0]
    if now >= row["expires_at"] or now - row["last_seen_at"] >= timedelta(hours=idle_hours):
        await Session.delete().where(Session.id == session_id)
        return None
    if not row["is_active"]:
        return None
    if now - row["last_seen_at"] >= TOUCH_INTERVAL:
        await Session.update({Session.last_seen_at: now}).where(Session.id == session_id)
    return _identity(row, session_id=session_id)


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
