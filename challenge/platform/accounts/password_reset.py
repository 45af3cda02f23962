"""Password reset by mailed link and password change by the signed-in user."""

from __future__ import annotations

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts.email_links import (
    RESET_VALID,
    find_email_token,
    invalid,
    limit_links,
    new_email_token,
    retire_email_tokens,
    send_mail,
)
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.passwords import (
    hash_password_async,
    password_errors,
    verify_password_async,
)
from challenge.platform.accounts.sessions import create_session, end_all_sessions
from challenge.platform.accounts.tables import ApiToken, Session, User
from challenge.platform.accounts.validation import email_errors, normalise_email
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError
from challenge.platform.security import ratelimit


async def request_password_reset(*, email: str, ip: str, locale: str, base_url: str) -> None:
    """Mail a reset link, or say that no account exists — the response is the same."""
    email = normalise_email(email)
    if email_errors(email):
        raise invalid(email_errors(email))
    for limit, subject in ((ratelimit.RESET_PER_IP, ip), (ratelimit.RESET_PER_EMAIL, email)):
        verdict = await ratelimit.hit(limit, subject)
        if not verdict.allowed:
            raise ratelimit.too_many(verdict)
    async with db.write_transaction():
        user = await User.select().where((User.email == email) & (User.is_active == True)).first()  # noqa: E712
        if user is None:
            await send_mail(
                email,
                "password_reset_unknown",
                locale=locale,
                base_url=base_url,
                register_link=f"{base_url}/register",
            )
            return
        token = await new_email_token(user["id"], "reset", RESET_VALID)
        await send_mail(
            email,
            "password_reset",
            locale=user["locale"],
            base_url=base_url,
            name=user["name"],
            link=f"{base_url}/password/reset?token={token}",
            valid_minutes=int(RESET_VALID.total_seconds() // 60),
        )
        await record(
            "account.reset_requested", actor_label=email, object_type="user", object_id=user["id"]
        )


async def _set_password(
    user: dict, password_hash: str, base_url: str, action: str, actor=None
) -> None:
    """New password: every session, open reset link and API token of the user ends."""
    await User.update({User.password_hash: password_hash}).where(User.id == user["id"])
    await end_all_sessions(user["id"])
    await retire_email_tokens(user["id"], "reset")
    await ApiToken.update({ApiToken.revoked_at: clock.now()}).where(
        (ApiToken.user == user["id"]) & ApiToken.revoked_at.is_null()
    )
    await send_mail(
        user["email"],
        "password_changed",
        locale=user["locale"],
        base_url=base_url,
        name=user["name"],
        reset_link=f"{base_url}/password/forgot",
    )
    await record(
        action, actor=actor, actor_label=user["email"], object_type="user", object_id=user["id"]
    )


async def confirm_password_reset(*, token: str, password: str, base_url: str, ip: str) -> None:
    """Set a new password from the mailed link; every session of the user ends."""
    await limit_links(ip)
    row = await find_email_token(token, "reset")  # before hashing: bogus links cost nothing
    user = await User.select().where(User.id == row["user"]).first()
    errors = password_errors(password, email=user["email"])
    if errors:
        raise invalid(errors)  # the link stays usable
    password_hash = await hash_password_async(password)  # before the write lock
    async with db.write_transaction():
        await find_email_token(token, "reset")  # still unused (no second tab got there first)
        user_id = user["id"]
        # Following the mailed link proves the address, too.
        await User.update({User.email_verified_at: clock.now()}).where(
            (User.id == user_id) & User.email_verified_at.is_null()
        )
        await _set_password(user, password_hash, base_url, "account.password_reset")


async def change_password(
    actor: CurrentUser,
    *,
    current: str,
    new: str,
    base_url: str,
    ip: str,
    user_agent: str,
    max_days: int,
    new_session: bool = True,
) -> str | None:
    """Change the password; all sessions end and (for a browser) this client gets a new one."""
    user = await User.select().where(User.id == actor.id).first()
    if not await verify_password_async(user["password_hash"], current):
        raise invalid([FieldError("current_password", N_("The current password is wrong."))])
    errors = password_errors(new, email=user["email"], field="new_password")
    if errors:
        raise invalid(errors)
    password_hash = await hash_password_async(new)
    async with db.write_transaction():
        earlier = await _sign_in_of(actor)
        await _set_password(user, password_hash, base_url, "account.password_changed", actor=actor)
        if not new_session:
            return None
        # the new session is no fresh sign-in: it keeps when (and whether with the second
        # factor) the person last signed in, so step-up still asks for the code
        return await create_session(
            actor.id, max_days=max_days, ip=ip, user_agent=user_agent, **earlier
        )


async def _sign_in_of(actor: CurrentUser) -> dict:
    """A session that passed the second factor hands on when that was (the new password is no
    second factor); otherwise the new session starts now, with the password alone."""
    row = None
    if actor.session_id is not None:
        row = (
            await Session.select(Session.authenticated_at, Session.second_factor)
            .where(Session.id == actor.session_id)
            .first()
        )
    if row is None or not row["second_factor"] or row["authenticated_at"] is None:
        return {}
    return {"authenticated_at": row["authenticated_at"], "second_factor": True}
