"""Registration and e-mail verification of accounts, and the limit on invitations by mail."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from uuid import UUID

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts.email_links import (
    VERIFY_VALID,
    find_email_token_or_used,
    invalid,
    invalid_token,
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
from challenge.platform.accounts.tables import EmailToken, User
from challenge.platform.accounts.validation import email_errors, normalise_email, profile_errors
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security import ratelimit
from challenge.platform.security.tables import RateLimitCounter

# A registration repeated within this time (same address, name, language, password and client)
# is a retry, e.g. after an answer lost to a dropped connection: it sends no second mail.
REGISTER_RETRY = timedelta(seconds=60)


async def register(
    *, email: str, password: str, name: str, locale: str, ip: str, base_url: str
) -> None:
    """Create an unverified account and mail a link — answering the same for known addresses.

    A retry sends no second mail: the same registration repeated within ``REGISTER_RETRY``
    (same address, name, language and client, and the same password — checked against the
    waiting link's hash) keeps the first link and mail; for an address that already has an
    account, its owner gets the "you already have an account" mail at most once per
    ``REGISTER_RETRY``. The answer is the same in every case."""
    email = normalise_email(email)
    errors = (
        email_errors(email) + profile_errors(name, locale) + password_errors(password, email=email)
    )
    if errors:
        raise invalid(errors)
    verdict = await ratelimit.hit(ratelimit.REGISTER_PER_IP, ip)
    if not verdict.allowed:
        raise ratelimit.too_many(verdict)
    password_hash = await hash_password_async(password)  # for known addresses too: same time
    fingerprint = _registration_fingerprint(email, name, locale, ip)
    pending = {
        "password_hash": password_hash,
        "name": name.strip(),
        "locale": locale,
        "retry": fingerprint,
    }
    retry_of = await _repeated_registration(email, fingerprint, password)
    try:
        await _register(email, name, locale, pending, base_url, retry_of)
    except Exception as error:
        if not db.is_unique_violation(error):
            raise
        # a parallel registration created the user
        await _register(email, name, locale, pending, base_url, retry_of)


def _registration_fingerprint(email: str, name: str, locale: str, ip: str) -> str:
    return hashlib.sha256("\0".join((email, name.strip(), locale, ip)).encode()).hexdigest()


async def _repeated_registration(email: str, fingerprint: str, password: str) -> UUID | None:
    """The open verification link a registration identical to this one created within
    REGISTER_RETRY — or None. The password is checked with argon2 against the link's waiting
    hash, so a corrected password is a new registration (whose link then counts)."""
    since = clock.now() - REGISTER_RETRY
    row = (
        await EmailToken.select(EmailToken.id, EmailToken.payload)
        .where(
            (EmailToken.user.email == email)
            & (EmailToken.purpose == "verify")
            & EmailToken.used_at.is_null()
            & (EmailToken.created_at > since)
        )
        .order_by(EmailToken.created_at, ascending=False)
        .first()
    )
    if row is None:
        return None
    pending = json.loads(row["payload"] or "{}")
    if pending.get("retry") != fingerprint or not pending.get("password_hash"):
        return None
    if not await verify_password_async(pending["password_hash"], password):
        return None
    return row["id"]


async def _register(
    email: str, name: str, locale: str, pending: dict, base_url: str, retry_of: UUID | None = None
) -> None:
    async with db.write_transaction():
        existing = await User.select().where(User.email == email).first()
        if existing and existing["email_verified_at"] is not None:
            if not await _first_within(f"register-existing:{email}", REGISTER_RETRY):
                return  # its owner was told a moment ago
            await send_mail(
                email,
                "register_existing",
                locale=existing["locale"],
                base_url=base_url,
                name=existing["name"],
                login_link=f"{base_url}/login",
                reset_link=f"{base_url}/password/forgot",
            )
            return
        if existing:
            user_id = existing["id"]
            await db.lock_row(User, user_id)
            if retry_of is not None and await EmailToken.exists().where(
                (EmailToken.id == retry_of) & EmailToken.used_at.is_null()
            ):
                return  # a retry: the link mailed a moment ago still counts
            # Only the newest registration's link counts: the older links (and the passwords
            # waiting in them) stop working, so whoever registered last decides.
            await retire_email_tokens(user_id, "verify")
        else:
            # No password until the address is confirmed: the hash waits in the token.
            user = User(email=email, name=name.strip(), locale=locale, password_hash=None)
            await user.save()
            user_id = user.id
            await record(
                "account.registered",
                actor=None,
                actor_label=email,
                object_type="user",
                object_id=user_id,
            )
        token = await new_email_token(user_id, "verify", VERIFY_VALID, pending)
        await send_mail(
            email,
            "verify_email",
            locale=locale,
            base_url=base_url,
            name=name.strip(),
            link=f"{base_url}/account/verify?token={token}",
        )


async def _first_within(marker: str, window: timedelta) -> bool:
    """True once per window for a marker (kept in the rate-limit table, shared by replicas)."""
    now = clock.now()
    key = "once:" + hashlib.sha256(marker.encode()).hexdigest()
    rows = await RateLimitCounter.raw(
        "INSERT INTO rate_limits (key, count, expires_at) VALUES ({}, 1, {}) "
        "ON CONFLICT (key) DO UPDATE SET count = 1, expires_at = excluded.expires_at "
        "WHERE rate_limits.expires_at <= {} RETURNING count",
        key,
        now + window,
        now,
    )
    return bool(rows)


async def limit_invitations(actor: CurrentUser, email: str) -> None:
    """Invitations by mail (teams, juries): at most so many per inviting user and per address."""
    for limit, subject in (
        (ratelimit.INVITES_PER_USER, str(actor.id)),
        (ratelimit.INVITES_PER_RECIPIENT, normalise_email(email)),
    ):
        verdict = await ratelimit.hit(limit, subject)
        if not verdict.allowed:
            raise Problem(
                429,
                "rate_limited",
                N_("Too many invitations. Please wait a while before inviting again."),
                extra={"retry_after": verdict.retry_after},
                headers={"Retry-After": str(verdict.retry_after)},
            )


async def verify_email(token: str, *, ip: str) -> tuple[UUID, bool]:
    """Confirm the address from the mailed link; the registration it came from takes effect.

    Answers (user id, already_verified). Following a link again — a retry after an answer
    lost to a dropped connection, a second click — answers "already verified" instead of
    "invalid", changing nothing, under this rule (anything else is the usual invalid_token):

    - the link is the one whose use confirmed the address (marked so when used); links retired
      by a newer registration or by confirming another link never count, so the newest
      registration still decides;
    - only for the account the link was mailed for: the answer names no one, changes nothing
      and, like a first confirmation, starts no session (signing in still takes the password);
    - the account is still active and confirmed, and its password is still the one this link
      set (a fingerprint of the hash is kept on the link): after a password change or reset
      the old link is invalid again;
    - within the link's validity (VERIFY_VALID), and counted by the per-IP link limit."""
    await limit_links(ip)
    async with db.write_transaction():
        row = await find_email_token_or_used(token, "verify")
        await db.lock_row(
            User, row["user"]
        )  # against a newer registration retiring this link meanwhile
        row = await find_email_token_or_used(token, "verify")
        if row["used_at"] is not None:
            if await _took_effect(row):
                return row["user"], True
            raise invalid_token()
        user_id, pending = row["user"], json.loads(row["payload"] or "{}")
        now = clock.now()
        changes = {User.email_verified_at: now}
        if pending.get("password_hash"):
            changes.update(
                {
                    User.password_hash: pending["password_hash"],
                    User.name: pending["name"],
                    User.locale: pending["locale"],
                }
            )
        await User.update(changes).where((User.id == user_id) & User.email_verified_at.is_null())
        await retire_email_tokens(user_id, "verify")
        user = await User.select(User.password_hash).where(User.id == user_id).first()
        # The link now only remembers that it took effect (the waiting hash is dropped).
        await EmailToken.update(
            {
                EmailToken.payload: json.dumps(
                    {"took_effect": True, "password": _password_fingerprint(user["password_hash"])}
                )
            }
        ).where(EmailToken.id == row["id"])
        await record("account.verified", object_type="user", object_id=user_id)
    return user_id, False


def _password_fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()


async def _took_effect(row: dict) -> bool:
    """Whether a used verification link is the one that confirmed its (unchanged) account."""
    marker = json.loads(row["payload"] or "{}")
    if not marker.get("took_effect"):
        return False
    user = (
        await User.select(User.email_verified_at, User.is_active, User.password_hash)
        .where(User.id == row["user"])
        .first()
    )
    return bool(
        user
        and user["is_active"]
        and user["email_verified_at"] is not None
        and user["password_hash"]
        and marker.get("password") == _password_fingerprint(user["password_hash"])
    )
