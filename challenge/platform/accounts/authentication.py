"""Logging in and out: rate-limited, audited, with a fresh session id at every login."""

from __future__ import annotations

import json

from challenge import db
from challenge.platform.accounts import two_factor
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.oidc_accounts import has_identity, sync_roles
from challenge.platform.accounts.passwords import (
    hash_password_async,
    needs_rehash,
    verify_password_async,
)
from challenge.platform.accounts.pending_sign_in import SecondFactorRequired
from challenge.platform.accounts.sessions import create_session, end_session, identity_for
from challenge.platform.accounts.tables import GLOBAL_ROLES, EmailToken, RoleGrant, User
from challenge.platform.accounts.validation import normalise_email
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security import ratelimit
from challenge.settings import Settings


async def login(
    settings: Settings,
    *,
    email: str,
    password: str,
    ip: str,
    user_agent: str,
    old_token: str | None,
) -> tuple[CurrentUser, str]:
    """Check the credentials and start a new session; returns the user and the cookie token.
    With CHALLENGE_INTERNAL_ROLES_REQUIRE_SSO staff, finance and admins must sign in through the
    city's provider. A person with two-factor login (or, with CHALLENGE_REQUIRE_2FA_INTERNAL,
    staff, finance and admins without it yet) gets no session here: :class:`SecondFactorRequired`
    is raised instead and the sign-in goes on with the code
    (challenge.platform.accounts.pending_sign_in).
    With CHALLENGE_OIDC_ROLE_MAP an account linked to the city's provider loses
    at a password login the roles and unit memberships the map governs: only the provider's
    sign-in gives them."""
    email = normalise_email(email)
    verdict = await ratelimit.hit(ratelimit.LOGIN_PER_IP, ip)
    if not verdict.allowed:
        raise ratelimit.too_many(verdict)
    # Count the attempt as a failure before checking it (an atomic increment), so parallel
    # guesses cannot all slip in under the limit; a success clears the count again.
    attempt = await ratelimit.hit(ratelimit.LOGIN_FAILURES_PER_ACCOUNT, email)
    if not attempt.allowed:
        raise ratelimit.too_many(attempt)

    user = await User.select().where(User.email == email).first()
    stored_hash = user["password_hash"] if user else None
    if user is not None and user["email_verified_at"] is None:
        stored_hash = await _pending_hash(user["id"])  # to say "confirm your address first"
    matches = await verify_password_async(stored_hash, password)
    if user is None or not matches or not user["is_active"]:
        await record(
            "auth.login_failed",
            actor_label=email,
            object_type="user",
            object_id=user["id"] if user else "",
            payload={"ip": ip},
        )
        raise Problem(
            401, "invalid_credentials", N_("The e-mail address or the password is wrong.")
        )
    if user["email_verified_at"] is None:
        raise Problem(
            403,
            "email_not_verified",
            N_(
                "Please confirm your e-mail address first: follow the link in the mail we sent you."
            ),
        )

    await ratelimit.reset(ratelimit.LOGIN_FAILURES_PER_ACCOUNT, email)
    if settings.internal_roles_require_sso:
        await _refuse_internal_roles(user["id"])
    await _drop_mapped_roles(settings, user)
    rehash = await hash_password_async(password) if needs_rehash(user["password_hash"]) else None
    await _second_factor_first(user, rehash, settings.require_2fa_internal)
    async with db.write_transaction():
        if old_token:
            await end_session(old_token)  # never keep a session id from before the login
        if rehash:
            await User.update({User.password_hash: rehash}).where(User.id == user["id"])
        token = await create_session(
            user["id"], max_days=settings.session_max_days, ip=ip, user_agent=user_agent
        )
        await record(
            "auth.login",
            actor=_Actor(user),
            object_type="user",
            object_id=user["id"],
            payload={"ip": ip},
        )
    return await identity_for(user), token


async def _second_factor_first(user: dict, rehash: str | None, internal_required: bool) -> None:
    """Raise SecondFactorRequired when the sign-in goes on with the code (or its enrolment)."""
    step = await two_factor.requirement(user["id"], internal_required=internal_required)
    if step is None:
        return
    if rehash:
        await User.update({User.password_hash: rehash}).where(User.id == user["id"])
        user["password_hash"] = rehash
    raise SecondFactorRequired(user, enrol=step == "enrol")


async def _drop_mapped_roles(settings: Settings, user: dict) -> None:
    """Take back (audited, as the provider's sync does) the roles and units the provider's
    group map governs from an account linked to the provider."""
    if not settings.oidc_role_map or not await has_identity(user["id"]):
        return
    async with db.write_transaction():
        await sync_roles(settings, user["id"], user["email"], {})


async def logout(user: CurrentUser | None, token: str | None) -> None:
    """End the session of this token (audited when a user was signed in)."""
    if not token:
        return
    async with db.write_transaction():
        await end_session(token)
        if user is not None:
            await record("auth.logout", actor=user, object_type="user", object_id=user.id)


async def _pending_hash(user_id) -> str | None:
    """The password of the newest open registration of an unconfirmed account."""
    row = (
        await EmailToken.select(EmailToken.payload)
        .where(
            (EmailToken.user == user_id)
            & (EmailToken.purpose == "verify")
            & EmailToken.used_at.is_null()
        )
        .order_by(EmailToken.created_at, ascending=False)
        .first()
    )
    return json.loads(row["payload"] or "{}").get("password_hash") if row else None


async def _refuse_internal_roles(user_id) -> None:
    """Staff, finance and admins sign in through the city's provider only (the setting
    CHALLENGE_INTERNAL_ROLES_REQUIRE_SSO): their password login is refused."""
    if await RoleGrant.exists().where(
        (RoleGrant.user == user_id) & RoleGrant.role.is_in(list(GLOBAL_ROLES))
    ):
        raise Problem(
            403,
            "sso_required",
            N_(
                "Staff, finance and administrators sign in with the city's account: "
                'use the button "Sign in with the city\'s account".'
            ),
        )


class _Actor:
    """The minimal actor shape audit.record needs, from a user row."""

    def __init__(self, row: dict) -> None:
        self.id, self.email = row["id"], row["email"]
