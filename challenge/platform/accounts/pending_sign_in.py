"""A sign-in waiting for its second factor: after a correct password the browser (or API client)
holds only a signed cookie naming the person, when the password was checked and a fingerprint of
that password hash — valid five minutes, good for nothing but the second-factor step. No session
exists until the code is right (then :func:`finish` starts one). Each cookie starts one session
at most: its random id is written as used (with the ID tokens' used nonces), so a copy of it
is worth nothing afterwards."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from types import SimpleNamespace
from uuid import UUID

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts import sealed
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.sessions import create_session, end_session, identity_for
from challenge.platform.accounts.tables import OidcNonce, User
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.settings import Settings

COOKIE = "pending_sign_in"
SECONDS = 300


@dataclass(frozen=True)
class Pending:
    """Who passed the password, when, whether they must enrol first, and where they go next."""

    user_id: UUID
    enrol: bool
    next: str
    password_at: int
    jti: str = ""


class SecondFactorRequired(Problem):
    """The password was right; the sign-in goes on with the second factor (or its enrolment)."""

    def __init__(self, user: dict, enrol: bool) -> None:
        if enrol:
            super().__init__(
                401,
                "two_factor_enrolment_required",
                N_("Please set up two-factor login for your account to continue."),
            )
        else:
            super().__init__(
                401,
                "second_factor_required",
                N_("Please enter the code from your authenticator app."),
            )
        self.user, self.enrol = user, enrol


# a key of its own, so no other signed cookie of the portal passes as this one
PURPOSE = "pending-sign-in"


def _fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def seal(settings: Settings, waiting: SecondFactorRequired, next_: str = "") -> str:
    """The cookie value for a sign-in that passed the password just now."""
    payload = {
        "uid": str(waiting.user["id"]),
        "enrol": waiting.enrol,
        "next": next_,
        "pw": _fingerprint(waiting.user["password_hash"]),
        "jti": secrets.token_urlsafe(16),
    }
    return sealed.seal(settings, PURPOSE, payload, SECONDS)


async def open_pending(settings: Settings, value: str | None) -> Pending | None:
    """The pending sign-in of a cookie this portal signed within five minutes, for an active
    account whose password has not changed since; else None."""
    claims = sealed.unseal(settings, PURPOSE, value)
    if claims is None:
        return None
    try:
        pending = Pending(
            UUID(claims["uid"]), bool(claims["enrol"]), claims["next"], claims["iat"], claims["jti"]
        )
        fingerprint = claims["pw"]
    except (KeyError, ValueError, TypeError, AttributeError):
        return None
    user = (
        await User.select(User.password_hash, User.is_active)
        .where(User.id == pending.user_id)
        .first()
    )
    if user is None or not user["is_active"] or _fingerprint(user["password_hash"]) != fingerprint:
        return None
    if not pending.jti or await OidcNonce.exists().where(OidcNonce.id == _used(pending.jti)):
        return None  # this cookie started its session already
    return pending


def _used(jti: str) -> str:
    return hashlib.sha256(f"pending-sign-in:{jti}".encode()).hexdigest()


async def _use(pending: Pending) -> None:
    """Write the cookie's id as used; one that was (a copy, or a parallel request) is refused."""
    taken = await OidcNonce.raw(
        "INSERT INTO oidc_nonces (id, used_at) VALUES ({}, {}) ON CONFLICT (id) DO NOTHING"
        " RETURNING id",
        _used(pending.jti),
        clock.now(),
    )
    if not taken:
        raise Problem(
            401, "no_sign_in_pending", N_("The sign-in took too long. Please log in again.")
        )


async def finish(
    pending: Pending, *, ip: str, user_agent: str, max_days: int, old_token: str | None
) -> tuple[CurrentUser, str]:
    """Start the session after the second factor (audited as the sign-in)."""
    user = await User.select().where(User.id == pending.user_id).first()
    async with db.write_transaction():
        await _use(pending)
        if old_token:
            await end_session(old_token)
        token = await create_session(
            user["id"], max_days=max_days, ip=ip, user_agent=user_agent, second_factor=True
        )
        await record(
            "auth.login",
            actor=SimpleNamespace(id=user["id"], email=user["email"]),
            object_type="user",
            object_id=user["id"],
            payload={"ip": ip, "second_factor": True},
        )
    return await identity_for(user), token
