"""Mailed account links: the one-time tokens, their checks and the mail that carries them."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta
from uuid import UUID

from challenge.platform import clock
from challenge.platform.accounts.tables import EmailToken
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.problems import FieldError, Problem
from challenge.platform.security import ratelimit

VERIFY_VALID = timedelta(hours=48)
RESET_VALID = timedelta(minutes=60)


async def send_mail(to: str, template: str, *, locale: str, base_url: str, **context) -> None:
    """Queue an account mail; every template gets the site's base URL."""
    await enqueue(to, template, locale=locale, context={"base_url": base_url, **context})


def invalid(errors: list[FieldError]) -> Problem:
    """The 422 validation problem for these field errors."""
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )


async def new_email_token(
    user_id: UUID, purpose: str, valid: timedelta, payload: dict | None = None
) -> str:
    """Store a new one-time link token for the user (only its hash is kept) and answer it."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    await EmailToken(
        user=user_id,
        purpose=purpose,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        payload=json.dumps(payload or {}),
        created_at=now,
        expires_at=now + valid,
    ).save()
    return token


async def find_email_token(token: str, purpose: str) -> dict:
    """A valid, unused token of this purpose — or the same refusal for every other case."""
    row = await find_email_token_or_used(token, purpose)
    if row["used_at"] is not None:
        raise invalid_token()
    return row


def invalid_token() -> Problem:
    """The one refusal for every unusable link."""
    return Problem(422, "invalid_token", N_("This link is invalid or has expired."))


async def retire_email_tokens(user_id: UUID, purpose: str) -> None:
    """Use up every open token of a purpose: only the newest action counts."""
    await EmailToken.update({EmailToken.used_at: clock.now()}).where(
        (EmailToken.user == user_id)
        & (EmailToken.purpose == purpose)
        & EmailToken.used_at.is_null()
    )


async def find_email_token_or_used(token: str, purpose: str) -> dict:
    """A token of this purpose within its validity, used or not; else invalid_token."""
    row = (
        await EmailToken.select()
        .where(
            (EmailToken.token_hash == hashlib.sha256(token.encode()).hexdigest())
            & (EmailToken.purpose == purpose)
        )
        .first()
    )
    if row is None or clock.now() >= row["expires_at"]:
        raise invalid_token()
    return row


async def limit_links(ip: str) -> None:
    """Count a followed mail link against the per-IP limit; refuse when it is exhausted."""
    verdict = await ratelimit.hit(ratelimit.MAIL_LINKS_PER_IP, ip)
    if not verdict.allowed:
        raise ratelimit.too_many(verdict)
