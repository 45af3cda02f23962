"""Two-factor login with TOTP (issue 22 point 3): enrolment, checking a code or a recovery code,
new recovery codes, switching it off, and whether a sign-in needs the second factor.

A code counts once: the accepted 30-second step is written with a conditional UPDATE
(``last_used_step < step``), so the same code sent again — or twenty times at once — is
accepted by exactly one request. Recovery codes are single-use the same way (``used_at IS
NULL``). Wrong codes are rate-limited per account and per IP; each attempt is counted before it
is checked, so parallel guesses cannot slip in under the limit."""

from __future__ import annotations

import logging
from uuid import UUID

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts import totp
from challenge.platform.accounts.email_links import send_mail
from challenge.platform.accounts.passwords import verify_password_async
from challenge.platform.accounts.tables import GLOBAL_ROLES, RoleGrant, Session, User
from challenge.platform.accounts.two_factor_tables import RecoveryCode, TotpSecret
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security import ratelimit
from challenge.platform.security.ratelimit import Limit

CODE_FAILURES_PER_ACCOUNT = Limit("2fa-fail", 5, 15 * 60)
CODES_PER_IP = Limit("2fa-ip", 30, 15 * 60)
PASSWORD_FAILURES = Limit("2fa-password", 5, 15 * 60)  # disabling, new recovery codes
LOG = logging.getLogger(__name__)
_UNREADABLE_LOGGED: set[UUID] = set()  # secrets sealed with another key, logged once each


def wrong_code() -> Problem:
    """401 ``invalid_code``: the code is wrong, too old or used already."""
    return Problem(
        401,
        "invalid_code",
        N_(
            "The code is wrong or was already used. Enter the current code from your "
            "authenticator app or one of your unused recovery codes."
        ),
    )


async def _confirmed_row(user_id: UUID) -> dict | None:
    return (
        await TotpSecret.select()
        .where((TotpSecret.user == user_id) & TotpSecret.confirmed_at.is_not_null())
        .first()
    )


async def is_enrolled(user_id: UUID) -> bool:
    """Whether the person has a confirmed TOTP secret."""
    return await TotpSecret.exists().where(
        (TotpSecret.user == user_id) & TotpSecret.confirmed_at.is_not_null()
    )


async def holds_internal_role(user_id: UUID) -> bool:
    """Staff, finance or admin: for them two-factor login is mandatory (when the setting says)."""
    return await RoleGrant.exists().where(
        (RoleGrant.user == user_id) & RoleGrant.role.is_in(list(GLOBAL_ROLES))
    )


async def requirement(user_id: UUID, *, internal_required: bool) -> str | None:
    """What a correct password still needs: "verify" (a code), "enrol" (a forced enrolment
    first) or None (the sign-in is complete)."""
    if await is_enrolled(user_id):
        return "verify"
    if internal_required and await holds_internal_role(user_id):
        return "enrol"
    return None


async def status(user_id: UUID) -> dict:
    """The person's 2FA status (never the secret): enrolled since, recovery codes left."""
    row = await _confirmed_row(user_id)
    left = await RecoveryCode.count().where(
        (RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null()
    )
    return {
        "enrolled": row is not None,
        "confirmed_at": row["confirmed_at"] if row else None,
        "recovery_codes_left": left if row else 0,
    }


def _enrolment(secret: str, email: str) -> dict:
    uri = totp.provisioning_uri(secret, email)
    return {"secret": secret, "grouped": totp.grouped(secret), "uri": uri, "qr": totp.qr_svg(uri)}


async def start_enrolment(user_id: UUID, email: str, secret_key: str) -> dict:
    """A new secret waiting for its first code (an earlier unconfirmed one is replaced); what
    the enrolment page shows: the QR code, the secret in groups and the otpauth address."""
    row = await _confirmed_row(user_id)
    if row is not None and totp.unseal(secret_key, row["secret"]) is not None:
        raise Problem(
            409,
            "two_factor_enrolled",
            N_("Two-factor login is already set up for this account."),
        )
    # a secret sealed with an earlier secret key can never match again: it is replaced
    secret = totp.new_secret()
    async with db.write_transaction():
        await TotpSecret.delete().where(TotpSecret.user == user_id)
        await TotpSecret(
            user=user_id,
            secret=totp.seal(secret_key, secret),
            created_at=clock.now(),
            confirmed_at=None,
            last_used_step=0,
        ).save()
    return _enrolment(secret, email)


async def open_enrolment(user_id: UUID, email: str, secret_key: str) -> dict | None:
    """The enrolment waiting for its first code, shown again (e.g. after a wrong code)."""
    row = (
        await TotpSecret.select()
        .where((TotpSecret.user == user_id) & TotpSecret.confirmed_at.is_null())
        .first()
    )
    secret = totp.unseal(secret_key, row["secret"]) if row else None
    return _enrolment(secret, email) if secret else None


async def _count_attempt(user_id: UUID, ip: str) -> None:
    """Refuse while the IP's failures or the account's attempts are used up; the account's
    attempt is counted before the check (parallel guesses cannot slip in under the limit)."""
    verdict = await ratelimit.peek(CODES_PER_IP, ip)
    if not verdict.allowed:
        raise ratelimit.too_many(verdict)
    verdict = await ratelimit.hit(CODE_FAILURES_PER_ACCOUNT, str(user_id))
    if not verdict.allowed:
        raise ratelimit.too_many(verdict)


async def _failed(ip: str) -> Problem:
    """Count a wrong code against the IP (only failures count there); the problem to raise."""
    await ratelimit.hit(CODES_PER_IP, ip)
    return wrong_code()


async def confirm_enrolment(
    user_id: UUID, code: str, secret_key: str, ip: str, *, base_url: str
) -> list[str]:
    """The first code confirms the enrolment; answers the ten recovery codes (shown once).
    The person gets a mail about it."""
    await _count_attempt(user_id, ip)
    row = (
        await TotpSecret.select()
        .where((TotpSecret.user == user_id) & TotpSecret.confirmed_at.is_null())
        .first()
    )
    secret = totp.unseal(secret_key, row["secret"]) if row else None
    step = totp.matching_step(secret, code, clock.now()) if secret else None
    if step is None:
        raise await _failed(ip)
    async with db.write_transaction():
        taken = await TotpSecret.raw(
            "UPDATE totp_secrets SET confirmed_at = {}, last_used_step = {}"
            " WHERE id = {} AND confirmed_at IS NULL RETURNING id",
            clock.now(),
            step,
            row["id"],
        )
        if not taken:
            raise wrong_code()
        codes = await _replace_recovery_codes(user_id)
        await record("account.two_factor_enrolled", actor=_Actor(user_id), **_on(user_id))
        await _tell(user_id, "enrolled", base_url)
    await ratelimit.reset(CODE_FAILURES_PER_ACCOUNT, str(user_id))
    return codes


async def _replace_recovery_codes(user_id: UUID) -> list[str]:
    codes = totp.new_recovery_codes()
    now = clock.now()
    await RecoveryCode.delete().where(RecoveryCode.user == user_id)
    await RecoveryCode.insert(
        *(
            RecoveryCode(user=user_id, code_hash=totp.recovery_hash(code), created_at=now)
            for code in codes
        )
    )
    return codes


async def verify(user_id: UUID, code: str, secret_key: str, ip: str) -> str:
    """Check a second factor: a TOTP code (each step once) or an unused recovery code (then
    used up). Answers "totp" or "recovery_code"; wrong or used codes: 401 ``invalid_code``."""
    await _count_attempt(user_id, ip)
    typed = "".join(code.split())
    kind = "totp" if len(typed) == totp.DIGITS and typed.isdigit() else "recovery_code"
    accepted = await (_take_totp if kind == "totp" else _take_recovery_code)(
        user_id, code, secret_key
    )
    if not accepted:
        await record(
            "auth.second_factor_failed", actor_label="", payload={"ip": ip}, **_on(user_id)
        )
        raise await _failed(ip)
    await ratelimit.reset(CODE_FAILURES_PER_ACCOUNT, str(user_id))
    return kind


async def _take_totp(user_id: UUID, code: str, secret_key: str) -> bool:
    row = await _confirmed_row(user_id)
    secret = totp.unseal(secret_key, row["secret"]) if row else None
    if row is not None and secret is None:
        _unreadable(user_id)
    step = totp.matching_step(secret, code, clock.now()) if secret else None
    if step is None:
        return False
    taken = await TotpSecret.raw(
        "UPDATE totp_secrets SET last_used_step = {}"
        " WHERE id = {} AND last_used_step < {} RETURNING id",
        step,
        row["id"],
        step,
    )
    return bool(taken)


def _unreadable(user_id: UUID) -> None:
    """Log (once per person and process) a secret sealed with another secret key."""
    if user_id not in _UNREADABLE_LOGGED:
        _UNREADABLE_LOGGED.add(user_id)
        LOG.error(
            "The TOTP secret of user %s cannot be decrypted (CHALLENGE_SECRET_KEY changed?): "
            "they sign in with a recovery code and set up two-factor login again, or an admin "
            "resets it (challenge users reset-2fa)",
            user_id,
        )


async def _take_recovery_code(user_id: UUID, code: str, _secret_key: str) -> bool:
    if not totp.normalise_recovery_code(code) or not await is_enrolled(user_id):
        return False
    taken = (
        await RecoveryCode.update({RecoveryCode.used_at: clock.now()})
        .where(
            (RecoveryCode.user == user_id)
            & (RecoveryCode.code_hash == totp.recovery_hash(code))
            & RecoveryCode.used_at.is_null()
        )
        .returning(RecoveryCode.id)
    )
    return bool(taken)


async def _check_password(user_id: UUID, password: str) -> None:
    verdict = await ratelimit.hit(PASSWORD_FAILURES, str(user_id))
    if not verdict.allowed:
        raise ratelimit.too_many(verdict)
    row = await User.select(User.password_hash).where(User.id == user_id).first()
    if not await verify_password_async(row["password_hash"] if row else None, password):
        raise Problem(401, "invalid_credentials", N_("The password is wrong."))
    await ratelimit.reset(PASSWORD_FAILURES, str(user_id))


async def renew_recovery_codes(user_id: UUID, password: str, code: str, **check) -> list[str]:
    """Ten new recovery codes after the password and the current code (or a recovery code);
    the old ones stop working and the person gets a mail. ``check``: secret_key, ip,
    base_url."""
    await _check_password(user_id, password)
    if not await is_enrolled(user_id):
        raise not_enrolled()
    await verify(user_id, code, check["secret_key"], check["ip"])
    async with db.write_transaction():
        codes = await _replace_recovery_codes(user_id)
        await record("account.recovery_codes_renewed", actor=_Actor(user_id), **_on(user_id))
        await _tell(user_id, "recovery_codes", check["base_url"])
    return codes


def not_enrolled() -> Problem:
    """409 ``two_factor_not_enrolled``."""
    return Problem(
        409, "two_factor_not_enrolled", N_("Two-factor login is not set up for this account.")
    )


async def disable(
    user_id: UUID, password: str, code: str, *, internal_required: bool, **check
) -> None:
    """The person switches two-factor login off — only where it is optional for them — with
    the password and the current code (or a recovery code); they get a mail. ``check``:
    secret_key, ip, base_url."""
    if internal_required and await holds_internal_role(user_id):
        raise Problem(
            403,
            "two_factor_mandatory",
            N_("Staff, finance and administrators cannot switch two-factor login off."),
        )
    await _check_password(user_id, password)
    if not await is_enrolled(user_id):
        raise not_enrolled()
    await verify(user_id, code, check["secret_key"], check["ip"])
    async with db.write_transaction():
        await forget(user_id)
        await record("account.two_factor_disabled", actor=_Actor(user_id), **_on(user_id))
        await _tell(user_id, "disabled", check["base_url"])


async def _tell(user_id: UUID, change: str, base_url: str) -> None:
    """Mail the person that their two-factor login changed (enrolled, disabled,
    recovery_codes) — inside the caller's transaction."""
    user = await User.select(User.email, User.name, User.locale).where(User.id == user_id).first()
    await send_mail(
        user["email"],
        "two_factor_changed",
        locale=user["locale"],
        base_url=base_url,
        name=user["name"],
        change=change,
        account_link=f"{base_url}/account/2fa",
    )


async def forget(user_id: UUID) -> dict:
    """Delete the person's secret and recovery codes (switching off, an admin's reset, erasure)."""
    secrets = await TotpSecret.delete().where(TotpSecret.user == user_id).returning(TotpSecret.id)
    codes = (
        await RecoveryCode.delete().where(RecoveryCode.user == user_id).returning(RecoveryCode.id)
    )
    return {"totp_secrets": len(secrets), "recovery_codes": len(codes)}


def _on(user_id: UUID) -> dict:
    return {"object_type": "user", "object_id": user_id}


class _Actor:
    """The actor shape audit.record needs, for a person acting on their own account."""

    def __init__(self, user_id: UUID, email: str = "") -> None:
        self.id, self.email = user_id, email


async def mark_session(session_id: str | None) -> None:
    """The session just passed the second factor: it counts as a fresh sign-in (step-up)."""
    if session_id is not None:
        await Session.update(
            {Session.second_factor: True, Session.authenticated_at: clock.now()}
        ).where(Session.id == session_id)
