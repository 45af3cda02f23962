"""People invited by mail into a role (jurors, unit members): their account, created on first
invitation, and a link to set a password when they have none yet."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from challenge.platform import clock
from challenge.platform.accounts.registration import limit_invitations
from challenge.platform.accounts.tables import EmailToken, User
from challenge.platform.accounts.validation import email_errors, name_errors, normalise_email
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem

SET_PASSWORD_VALID = timedelta(days=7)


async def check_invitation(actor, email: str, name: str) -> str:
    """The normalised address, after the fields and the inviter's rate limit are checked."""
    email = normalise_email(email)
    errors = email_errors(email) + (
        [FieldError("name", N_("Enter a name."))] if not name.strip() else []
    )
    errors += name_errors(name)
    if errors:
        raise Problem(
            422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
        )
    await limit_invitations(actor, email)
    return email


async def invited_account(email: str, name: str, base_url: str) -> tuple[dict, str | None]:
    """The invited person's account (created without a password if new) and, while it has no
    password, a fresh link to set one. Call inside the inviting write transaction."""
    user = await User.select().where(User.email == email).first()
    if user is None:
        created = User(email=email, name=name.strip(), password_hash=None, email_verified_at=None)
        await created.save()
        user = await User.select().where(User.id == created.id).first()
    if user["password_hash"] is not None:
        return user, None
    token = secrets.token_urlsafe(32)
    await EmailToken(
        user=user["id"],
        purpose="reset",
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_at=clock.now(),
        expires_at=clock.now() + SET_PASSWORD_VALID,
    ).save()
    return user, f"{base_url}/password/reset?token={token}"
