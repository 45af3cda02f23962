"""Signing in through the city's OpenID provider: the account of the provider's subject, its
roles from the provider's groups (at every sign-in) and a new portal session."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from types import SimpleNamespace
from uuid import UUID

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.sessions import create_session, end_session, identity_for
from challenge.platform.accounts.tables import OidcIdentity, OidcNonce, RoleGrant, User
from challenge.platform.accounts.validation import normalise_email
from challenge.platform.audit.service import record
from challenge.platform.domains import each
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.settings import Settings
from challenge.settings_sso import UNIT_PREFIX

# Used nonces are kept past any ID token's life; older ones cannot come back in a valid token.
NONCE_KEPT = timedelta(days=2)


def refused(code: str, message: str, status: int = 403) -> Problem:
    return Problem(status, code, message)


def mapped_roles(settings: Settings, claims: dict) -> tuple[set[str], set[str]]:
    """The roles the provider's groups give, and every role the map governs."""
    groups = claims.get(settings.oidc_roles_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    names = {str(group) for group in groups}
    # Keycloak's group mapper may send full paths ("/scc-staff"): a leading slash is ignored.
    names |= {name.lstrip("/") for name in names}
    governed = {role for role, _group in settings.oidc_role_map}
    wanted = {role for role, group in settings.oidc_role_map if group.lstrip("/") in names}
    return wanted, governed


async def _use_nonce(nonce: str) -> None:
    """Remember the ID token's nonce; one seen before is a replay and refused."""
    digest = hashlib.sha256(nonce.encode()).hexdigest()
    now = clock.now()
    await OidcNonce.delete().where(OidcNonce.used_at < now - NONCE_KEPT)
    if await OidcNonce.exists().where(OidcNonce.id == digest):
        raise refused("sso_replayed", N_("This sign-in was already used. Please start again."))
    await OidcNonce(id=digest, used_at=now).save()


async def _account_of(settings: Settings, claims: dict) -> UUID | None:
    """The account of the provider's subject; a new one for an unknown subject and e-mail.

    An existing local account with the same e-mail address is never taken over (None): whoever
    controls an address at the provider must not get the portal account of that address.
    """
    issuer, subject = settings.oidc_issuer or "", str(claims["sub"])
    row = (
        await OidcIdentity.select(OidcIdentity.id, OidcIdentity.user)
        .where((OidcIdentity.issuer == issuer) & (OidcIdentity.subject == subject))
        .first()
    )
    now = clock.now()
    if row is not None:
        await OidcIdentity.update({OidcIdentity.last_login_at: now}).where(
            OidcIdentity.id == row["id"]
        )
        return row["user"]
    email = normalise_email(str(claims.get("email") or ""))
    # only an address the provider says it confirmed (a missing claim is no confirmation)
    if not email or claims.get("email_verified") is not True:
        raise refused(
            "sso_no_email", N_("The city's account has no confirmed e-mail address."), 422
        )
    if await User.exists().where(User.email == email):
        return None  # the person proves the account is theirs first (oidc_linking)
    name = str(claims.get("name") or claims.get("preferred_username") or email)[:200]
    user = User(email=email, name=name, password_hash=None, email_verified_at=now, created_at=now)
    await user.save()
    await OidcIdentity(
        user=user.id, issuer=issuer, subject=subject, created_at=now, last_login_at=now
    ).save()
    await record("account.registered", actor_label=email, object_type="user", object_id=user.id)
    return user.id


async def sync_roles(settings: Settings, user_id: UUID, email: str, claims: dict) -> None:
    """Grant the mapped roles the groups name and take back the mapped ones they no longer do;
    roles outside the map (granted in the portal) stay."""
    wanted, governed = mapped_roles(settings, claims)
    await _sync_units(user_id, email, wanted, governed)
    wanted = {role for role in wanted if not role.startswith(UNIT_PREFIX)}
    governed = {role for role in governed if not role.startswith(UNIT_PREFIX)}
    rows = await RoleGrant.select(RoleGrant.role).where(RoleGrant.user == user_id)
    current = {row["role"] for row in rows}
    for role in sorted(wanted - current):
        await RoleGrant(user=user_id, role=role, created_at=clock.now()).save()
        await _role_changed("role.granted", user_id, role, email)
    for role in sorted((current & governed) - wanted):
        await RoleGrant.delete().where((RoleGrant.user == user_id) & (RoleGrant.role == role))
        await _role_changed("role.revoked", user_id, role, email)


async def _sync_units(user_id: UUID, email: str, wanted: set[str], governed: set[str]) -> None:
    """Hand the units the map governs to the domain that keeps unit memberships
    (``Domain.sso_units``): members of the wanted ones, and no longer of the others."""
    governed_units = {
        role[len(UNIT_PREFIX) :].strip() for role in governed if role.startswith(UNIT_PREFIX)
    }
    if not governed_units:
        return
    wanted_units = {
        role[len(UNIT_PREFIX) :].strip() for role in wanted if role.startswith(UNIT_PREFIX)
    }
    for _domain, sync in each("sso_units"):
        await sync(user_id, email, wanted_units, governed_units)


async def _role_changed(action: str, user_id: UUID, role: str, email: str) -> None:
    await record(
        action,
        actor_label="sso",
        object_type="user",
        object_id=user_id,
        payload={"role": role, "email": email, "source": "sso"},
    )


async def sign_in(
    settings: Settings,
    claims: dict,
    *,
    nonce: str,
    ip: str,
    user_agent: str,
    old_token: str | None,
) -> tuple[CurrentUser, str] | None:
    """Sign the provider's person in: their account, their roles as the groups say today and
    a new session (the provider counts as the second factor); returns the user and token, or
    None when a local account holds the e-mail address (to be linked with its password)."""
    async with db.write_transaction():
        await _use_nonce(nonce)
        user_id = await _account_of(settings, claims)
        if user_id is None:
            return None
        user = await start_session(
            settings, user_id, claims, ip=ip, user_agent=user_agent, old_token=old_token
        )
        token = user.pop("token")
    return await identity_for(user), token


async def start_session(
    settings: Settings,
    user_id: UUID,
    claims: dict,
    *,
    ip: str,
    user_agent: str,
    old_token: str | None,
    second_factor: bool = True,
) -> dict:
    """Inside the caller's write transaction: the roles from the claims, a new session and the
    audit entry; returns the user's row with the session's ``token``. The provider's sign-in
    counts as the second factor unless the caller says otherwise (a link by password)."""
    user = await User.select().where(User.id == user_id).first()
    if not user["is_active"]:
        raise refused("account_inactive", N_("This account is switched off."))
    await sync_roles(settings, user_id, user["email"], claims)
    if old_token:
        await end_session(old_token)
    user["token"] = await create_session(
        user_id,
        max_days=settings.session_max_days,
        ip=ip,
        user_agent=user_agent,
        second_factor=second_factor,
    )
    await record(
        "auth.sso_login",
        actor=SimpleNamespace(id=user_id, email=user["email"]),
        object_type="user",
        object_id=user_id,
        payload={"ip": ip},
    )
    return user


async def refuse_logged(reason: str, ip: str) -> None:
    """Audit a refused sign-in through the provider."""
    async with db.write_transaction():
        await record(
            "auth.sso_refused",
            actor_label="sso",
            object_type="user",
            payload={"ip": ip, "reason": reason},
        )


async def has_identity(user_id: UUID) -> bool:
    """The account signs in through the provider (its logout ends the provider's session too)."""
    return await OidcIdentity.exists().where(OidcIdentity.user == user_id)
