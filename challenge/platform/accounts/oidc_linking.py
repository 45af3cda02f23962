"""Connecting the city's account to an existing local account: only after that account's
password, typed within ten minutes of the provider's sign-in (never by e-mail alone)."""

from __future__ import annotations

from types import SimpleNamespace

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts import sealed, two_factor
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.oidc_accounts import start_session
from challenge.platform.accounts.passwords import verify_password_async
from challenge.platform.accounts.sessions import identity_for
from challenge.platform.accounts.tables import OidcIdentity, User
from challenge.platform.accounts.validation import normalise_email
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security import ratelimit
from challenge.settings import Settings

LINK_COOKIE = "oidc_link"
LINK_SECONDS = 600


# a key of its own, so a flow cookie can never pass as a link cookie
PURPOSE = "oidc-link"


def seal_pending(settings: Settings, claims: dict) -> str:
    """The validated claims the link needs, signed and valid for ten minutes."""
    kept = {
        key: claims[key]
        for key in ("sub", "email", "name", settings.oidc_roles_claim)
        if key in claims
    }
    return sealed.seal(settings, PURPOSE, {"claims": kept}, LINK_SECONDS)


def open_pending(settings: Settings, value: str | None) -> dict | None:
    """The claims of a link cookie this portal signed within ten minutes, else None."""
    try:
        claims = (sealed.unseal(settings, PURPOSE, value) or {})["claims"]
        return claims if claims.get("sub") and claims.get("email") else None
    except (KeyError, AttributeError):
        return None


async def link(
    settings: Settings,
    claims: dict,
    *,
    password: str,
    ip: str,
    user_agent: str,
    old_token: str | None,
    code: str = "",
) -> tuple[CurrentUser, str]:
    """Check the local account's password — and, when it has two-factor login, its code —
    tie the provider's subject to the account and sign in (roles from the claims); a wrong
    password counts like a failed login. Only a link with the code passes the second factor."""
    email = normalise_email(str(claims["email"]))
    attempt = await ratelimit.hit(ratelimit.LOGIN_FAILURES_PER_ACCOUNT, email)
    if not attempt.allowed:
        raise ratelimit.too_many(attempt)
    user = await User.select(User.id, User.password_hash).where(User.email == email).first()
    if user is None or not await verify_password_async(user["password_hash"], password):
        async with db.write_transaction():
            await record(
                "auth.login_failed",
                actor_label=email,
                object_type="user",
                object_id=user["id"] if user else "",
                payload={"ip": ip},
            )
        raise Problem(401, "invalid_credentials", N_("The password is wrong."))
    await ratelimit.reset(ratelimit.LOGIN_FAILURES_PER_ACCOUNT, email)
    with_code = await two_factor.is_enrolled(user["id"])
    if with_code:
        if not code.strip():
            raise Problem(
                401,
                "second_factor_required",
                N_(
                    "This account uses two-factor login: enter the code from your "
                    "authenticator app as well."
                ),
            )
        await two_factor.verify(user["id"], code, settings.secret_key or "", ip)
    issuer, subject, now = settings.oidc_issuer or "", str(claims["sub"]), clock.now()
    async with db.write_transaction():
        if await OidcIdentity.exists().where(
            (OidcIdentity.issuer == issuer) & (OidcIdentity.subject == subject)
        ):
            raise Problem(
                409, "sso_already_linked", N_("This sign-in was already used. Please start again.")
            )
        await OidcIdentity(
            user=user["id"], issuer=issuer, subject=subject, created_at=now, last_login_at=now
        ).save()
        await record(
            "auth.sso_linked",
            actor=SimpleNamespace(id=user["id"], email=email),
            object_type="user",
            object_id=user["id"],
            payload={"ip": ip},
        )
        row = await start_session(
            settings,
            user["id"],
            claims,
            ip=ip,
            user_agent=user_agent,
            old_token=old_token,
            second_factor=with_code,
        )
        token = row.pop("token")
    return await identity_for(row), token
