"""Account rules: registration, e-mail verification, password reset and change, profile."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

from challenge import db
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.passwords import hash_password, password_errors, verify_password
from challenge.platform.accounts.sessions import create_session, end_all_sessions
from challenge.platform.accounts.tables import GLOBAL_ROLES, EmailToken, RoleGrant, User
from challenge.platform.audit.service import record
from challenge.platform.i18n import LOCALES, N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.problems import FieldError, Problem
from challenge.platform.security import ratelimit

VERIFY_VALID = timedelta(hours=48)
RESET_VALID = timedelta(minutes=60)


async def _mail(to: str, template: str, *, locale: str, base_url: str, **context) -> None:
    await enqueue(to, template, locale=locale, context={"base_url": base_url, **context})


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding whitespace."""
    return email.strip().lower()


def email_errors(email: str) -> list[FieldError]:
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain.strip(".") or " " in email or len(email) > 320 or "@" in domain:
        return [FieldError("email", N_("Enter a valid e-mail address."))]
    return []


def _profile_errors(name: str, locale: str, affiliation: str = "") -> list[FieldError]:
    errors = []
    if not name.strip() or len(name) > 200:
        errors.append(FieldError("name", N_("Enter your name (at most 200 characters).")))
    if locale not in LOCALES:
        errors.append(FieldError("locale", N_("Choose German or English.")))
    if len(affiliation) > 200:
        errors.append(FieldError("affiliation", N_("Use at most 200 characters.")))
    return errors


def _invalid(errors: list[FieldError]) -> Problem:
    return Problem(422, "validation_error", N_("Some fields are missing or invalid."), errors=errors)


async def _new_email_token(user_id: UUID, purpose: str, valid: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    await EmailToken(
        user=user_id,
        purpose=purpose,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_at=now,
        expires_at=now + valid,
    ).save()
    return token


async def _use_email_token(token: str, purpose: str) -> UUID:
    """Consume a valid token and return its user; refuse unknown, used or expired ones."""
    row = await EmailToken.select().where(
        (EmailToken.token_hash == hashlib.sha256(token.encode()).hexdigest())
        & (EmailToken.purpose == purpose)
    ).first()
    now = datetime.now(UTC)
    if row is None or row["used_at"] is not None or now >= row["expires_at"]:
        raise Problem(422, "invalid_token", N_("This link is invalid or has expired."))
    await EmailToken.update({EmailToken.used_at: now}).where(EmailToken.id == row["id"])
    return row["user"]


async def register(*, email: str, password: str, name: str, locale: str, ip: str, base_url: str) -> None:
    """Create an unverified account and mail a link — answering the same for known addresses."""
    email = normalise_email(email)
    errors = email_errors(email) + _profile_errors(name, locale) + password_errors(password, email=email)
    if errors:
        raise _invalid(errors)
    verdict = await ratelimit.hit(ratelimit.REGISTER_PER_IP, ip)
    if not verdict.allowed:
        raise ratelimit.too_many(verdict)
    password_hash = hash_password(password)  # also for known addresses: same time either way
    async with db.write_transaction():
        existing = await User.select().where(User.email == email).first()
        if existing and existing["email_verified_at"] is not None:
            await _mail(email, "register_existing", locale=existing["locale"], base_url=base_url,
                        name=existing["name"], login_link=f"{base_url}/login",
                        reset_link=f"{base_url}/password/forgot")
            return
        if existing:
            user_id, name, locale = existing["id"], existing["name"], existing["locale"]
        else:
            user = User(email=email, name=name.strip(), locale=locale, password_hash=password_hash)
            await user.save()
            user_id = user.id
            await record("account.registered", actor=None, actor_label=email,
                         object_type="user", object_id=user_id)
        token = await _new_email_token(user_id, "verify", VERIFY_VALID)
        await _mail(email, "verify_email", locale=locale, base_url=base_url, name=name,
                    link=f"{base_url}/account/verify?token={token}")


async def verify_email(token: str) -> UUID:
    """Confirm the address from the mailed link."""
    async with db.write_transaction():
        user_id = await _use_email_token(token, "verify")
        await User.update({User.email_verified_at: datetime.now(UTC)}).where(
            (User.id == user_id) & User.email_verified_at.is_null()
        )
        await record("account.verified", object_type="user", object_id=user_id)
    return user_id


async def request_password_reset(*, email: str, ip: str, locale: str, base_url: str) -> None:
    """Mail a reset link, or say that no account exists — the response is the same."""
    email = normalise_email(email)
    if email_errors(email):
        raise _invalid(email_errors(email))
    for limit, subject in ((ratelimit.RESET_PER_IP, ip), (ratelimit.RESET_PER_EMAIL, email)):
        verdict = await ratelimit.hit(limit, subject)
        if not verdict.allowed:
            raise ratelimit.too_many(verdict)
    async with db.write_transaction():
        user = await User.select().where((User.email == email) & (User.is_active == True)).first()  # noqa: E712
        if user is None:
            await _mail(email, "password_reset_unknown", locale=locale, base_url=base_url,
                        register_link=f"{base_url}/register")
            return
        token = await _new_email_token(user["id"], "reset", RESET_VALID)
        await _mail(email, "password_reset", locale=user["locale"], base_url=base_url,
                    name=user["name"], link=f"{base_url}/password/reset?token={token}",
                    valid_minutes=int(RESET_VALID.total_seconds() // 60))
        await record("account.reset_requested", actor_label=email, object_type="user",
                     object_id=user["id"])


async def _set_password(user: dict, password_hash: str, base_url: str, action: str, actor=None) -> None:
    await User.update({User.password_hash: password_hash}).where(User.id == user["id"])
    await end_all_sessions(user["id"])
    await _mail(user["email"], "password_changed", locale=user["locale"], base_url=base_url,
                name=user["name"], reset_link=f"{base_url}/password/forgot")
    await record(action, actor=actor, actor_label=user["email"], object_type="user",
                 object_id=user["id"])


async def confirm_password_reset(*, token: str, password: str, base_url: str) -> None:
    """Set a new password from the mailed link; every session of the user ends."""
    password_hash = hash_password(password)  # before the write lock: hashing takes ~60 ms
    async with db.write_transaction():
        user_id = await _use_email_token(token, "reset")
        user = await User.select().where(User.id == user_id).first()
        errors = password_errors(password, email=user["email"])
        if errors:
            raise _invalid(errors)  # rolls back: the link stays usable
        # Following the mailed link proves the address, too.
        await User.update({User.email_verified_at: datetime.now(UTC)}).where(
            (User.id == user_id) & User.email_verified_at.is_null()
        )
        await _set_password(user, password_hash, base_url, "account.password_reset")


async def change_password(
    actor: CurrentUser, *, current: str, new: str, base_url: str, ip: str, user_agent: str, max_days: int
) -> str:
    """Change the password; all sessions end and this client gets a new one (returned)."""
    user = await User.select().where(User.id == actor.id).first()
    if not verify_password(user["password_hash"], current):
        raise _invalid([FieldError("current_password", N_("The current password is wrong."))])
    errors = password_errors(new, email=user["email"], field="new_password")
    if errors:
        raise _invalid(errors)
    password_hash = hash_password(new)
    async with db.write_transaction():
        await _set_password(user, password_hash, base_url, "account.password_changed", actor=actor)
        return await create_session(actor.id, max_days=max_days, ip=ip, user_agent=user_agent)


async def update_profile(actor: CurrentUser, *, name: str, locale: str, affiliation: str) -> dict:
    errors = _profile_errors(name, locale, affiliation)
    if errors:
        raise _invalid(errors)
    changes = {User.name: name.strip(), User.locale: locale, User.affiliation: affiliation.strip()}
    async with db.write_transaction():
        await User.update(changes).where(User.id == actor.id)
        await record("account.profile_updated", actor=actor, object_type="user", object_id=actor.id,
                     payload={"locale": locale})
    return await User.select().where(User.id == actor.id).first()


async def create_verified_user(email: str, name: str, password: str, role: str) -> UUID:
    """Create an active, verified account with one role (the `users create` command)."""
    email = normalise_email(email)
    errors = email_errors(email) + _profile_errors(name, "de") + password_errors(password, email=email)
    if role != "applicant" and role not in GLOBAL_ROLES:
        errors.append(FieldError("role", N_("Unknown role.")))
    if errors:
        raise Problem(422, "validation_error", "The user could not be created.", errors=errors)
    async with db.write_transaction():
        if await User.exists().where(User.email == email):
            raise Problem(409, "email_taken", f"An account for {email} already exists.")
        user = User(
            email=email,
            name=name.strip(),
            password_hash=hash_password(password),
            email_verified_at=datetime.now(UTC),
        )
        await user.save()
        if role != "applicant":
            await RoleGrant(user=user.id, role=role).save()
        await record("account.created", actor_label="cli", object_type="user", object_id=user.id,
                     payload={"role": role})
    return user.id
