"""A person's own sessions: list them without their secrets and end them (issue 22 point 5).

A session's row id is the SHA-256 of its cookie token and never leaves the server: pages and
the API name a session by a short handle derived from the id and the portal's secret key,
computed on the fly (nothing is stored). Ending a session is only ever looked up among the
person's own sessions, so another person's handle is not found.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts.devices import device_in_english, device_of
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.tables import Session
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import not_found

HANDLE_LENGTH = 12


def handle_of(session_id: str, secret: str) -> str:
    """The short opaque name of a session for URLs (not reversible to the row id)."""
    return hashlib.sha256((session_id + secret).encode()).hexdigest()[:HANDLE_LENGTH]


async def _rows(user: CurrentUser, idle_hours: int, now: datetime) -> list[dict]:
    """The person's live sessions (not past their end, not idle too long), newest use first."""
    return (
        await Session.select()
        .where(
            (Session.user == user.id)
            & (Session.expires_at > now)
            & (Session.last_seen_at > now - timedelta(hours=idle_hours))
        )
        .order_by(Session.last_seen_at, ascending=False)
    )


async def list_sessions(user: CurrentUser, *, secret: str, idle_hours: int) -> list[dict]:
    """The person's active sessions with device, IP and times, the current one marked and
    first; each named by its handle, never by its id."""
    rows = await _rows(user, idle_hours, clock.now())
    sessions = [
        {
            "handle": handle_of(row["id"], secret),
            "browser": device_of(row["user_agent"])[0],
            "system": device_of(row["user_agent"])[1],
            "device": device_in_english(row["user_agent"]),
            "ip": row["ip"],
            "created_at": row["created_at"],
            "authenticated_at": row["authenticated_at"],
            "last_seen_at": row["last_seen_at"],
            "expires_at": row["expires_at"],
            "current": row["id"] == user.session_id,
        }
        for row in rows
    ]
    return sorted(sessions, key=lambda session: not session["current"])


async def end_session(user: CurrentUser, handle: str, *, secret: str) -> bool:
    """End one of the person's own sessions by its handle (another person's is not found);
    returns whether it was the session making this request (then the person is logged out)."""
    rows = await Session.select(Session.id, Session.user_agent, Session.ip).where(
        Session.user == user.id
    )
    row = next((r for r in rows if handle_of(r["id"], secret) == handle), None)
    if row is None:
        raise not_found(N_("Session not found"))
    async with db.write_transaction():
        await Session.delete().where((Session.id == row["id"]) & (Session.user == user.id))
        await record(
            "session.ended",
            actor=user,
            object_type="user",
            object_id=user.id,
            payload={"name": device_in_english(row["user_agent"]), "ip": row["ip"]},
        )
    return row["id"] == user.session_id


async def end_other_sessions(user: CurrentUser) -> int:
    """End every session of the person but the one making this request; returns how many."""
    others = (Session.user == user.id) & (Session.id != (user.session_id or ""))
    async with db.write_transaction():
        count = await Session.count().where(others)
        await Session.delete().where(others)
        await record(
            "session.others_ended",
            actor=user,
            object_type="user",
            object_id=user.id,
            payload={"count": count},
        )
    return count
