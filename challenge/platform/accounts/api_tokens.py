"""API tokens for staff integrations: shown once, stored as SHA-256, expiring, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from uuid import UUID

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.policies import may_use_api_tokens
from challenge.platform.accounts.sessions import identity_for
from challenge.platform.accounts.tables import GLOBAL_ROLES, ApiToken, Session, User
from challenge.platform.accounts.two_factor_tables import TotpSecret
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found

PREFIX = "scc_"
MAX_DAYS = 365


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(
    user: CurrentUser, name: str, days: int, *, require_2fa_internal: bool = False
) -> tuple[dict, str]:
    """Create a token; returns its row and the plaintext, which is never stored or shown again.
    A person with two-factor login — or, with ``require_2fa_internal``, staff, finance and
    admins with a password — needs a session that passed the second factor."""
    if user.token_id is not None:
        # A token must not mint tokens: a leaked one could otherwise outlive its revocation.
        raise Problem(
            403,
            "session_required",
            N_("API tokens can only be created when logged in with a password."),
        )
    await _require_second_factor(user, require_2fa_internal)
    errors = []
    if not name.strip() or len(name) > 100:
        errors.append(FieldError("name", N_("Enter a name of at most 100 characters.")))
    if not 1 <= days <= MAX_DAYS:
        errors.append(FieldError("days", N_("Choose between 1 and 365 days.")))
    if errors:
        raise Problem(422, "validation_error", N_("The token could not be created."), errors=errors)
    plaintext = PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(
        user=user.id,
        name=name.strip(),
        token_hash=_digest(plaintext),
        prefix=plaintext[:10],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    async with db.write_transaction():
        await token.save()
        await record(
            "token.created",
            actor=user,
            object_type="api_token",
            object_id=token.id,
            payload={"name": token.name, "expires_at": token.expires_at},
        )
    return token.to_dict(), plaintext


async def _require_second_factor(user: CurrentUser, internal_required: bool) -> None:
    """403 ``second_factor_required`` unless the session passed the second factor, where the
    person has it (or must have it: an internal role with a password)."""
    session = (
        await Session.select(Session.second_factor).where(Session.id == user.session_id).first()
    )
    if session is not None and session["second_factor"]:
        return
    needed = await TotpSecret.exists().where(
        (TotpSecret.user == user.id) & TotpSecret.confirmed_at.is_not_null()
    )
    if not needed and internal_required and user.has_role(*GLOBAL_ROLES):
        needed = await User.exists().where((User.id == user.id) & User.password_hash.is_not_null())
    if needed:
        raise Problem(
            403,
            "second_factor_required",
            N_(
                "API tokens can only be created in a session that passed two-factor login. "
                "Please log out and sign in again with the code from your authenticator app."
            ),
        )


async def list_tokens(user: CurrentUser) -> list[dict]:
    """The user's API tokens, newest first (never the secret)."""
    return (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.prefix,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.revoked_at,
            ApiToken.last_used_at,
        )
        .where(ApiToken.user == user.id)
        .order_by(ApiToken.created_at, ascending=False)
    )


async def owns_tokens(user: CurrentUser) -> bool:
    """Whether the user has ever created an API token."""
    return await ApiToken.exists().where(ApiToken.user == user.id)


async def revoke_token(user: CurrentUser, token_id: UUID) -> dict:
    """Revoke one of the user's own tokens (another user's token is not found)."""
    row = (
        await ApiToken.select()
        .where((ApiToken.id == token_id) & (ApiToken.user == user.id))
        .first()
    )
    if row is None:
        raise not_found(N_("Token not found"))
    if row["revoked_at"] is None:
        async with db.write_transaction():
            await ApiToken.update({ApiToken.revoked_at: clock.now()}).where(ApiToken.id == token_id)
            await record(
                "token.revoked",
                actor=user,
                object_type="api_token",
                object_id=token_id,
                payload={"name": row["name"]},
            )
    return row


async def resolve_token(plaintext: str, now: datetime | None = None) -> CurrentUser | None:
    """The user of a valid, unexpired, unrevoked token."""
    if not plaintext.startswith(PREFIX):
        return None
    now = now or clock.now()
    row = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.expires_at,
            ApiToken.revoked_at,
            ApiToken.last_used_at,
            ApiToken.user,
        )
        .where(ApiToken.token_hash == _digest(plaintext))
        .first()
    )
    if row is None or row["revoked_at"] is not None or now >= row["expires_at"]:
        return None
    user = await User.select().where((User.id == row["user"]) & (User.is_active == True)).first()  # noqa: E712
    if user is None:
        return None
    identity = await identity_for(user, token_id=row["id"])
    if not may_use_api_tokens(identity):
        return None  # the owner lost every role tokens are for: the token no longer works
    if row["last_used_at"] is None or now - row["last_used_at"] > timedelta(minutes=5):
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return identity  # roles as the owner holds them now: a removed role is gone at once
