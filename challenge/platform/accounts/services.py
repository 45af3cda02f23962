"""Account rules: creating users and granting global roles."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from challenge import db
from challenge.platform.accounts.passwords import MIN_LENGTH, hash_password
from challenge.platform.accounts.tables import GLOBAL_ROLES, RoleGrant, User
from challenge.platform.problems import FieldError, Problem


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding whitespace."""
    return email.strip().lower()


def _validate(email: str, name: str, password: str, role: str) -> list[FieldError]:
    errors = []
    local, at, domain = email.partition("@")
    if not at or not local or "." not in domain or " " in email or len(email) > 320:
        errors.append(FieldError("email", "Enter a valid e-mail address."))
    if not name.strip():
        errors.append(FieldError("name", "Enter a name."))
    if len(password) < MIN_LENGTH:
        errors.append(FieldError("password", f"Use at least {MIN_LENGTH} characters."))
    if role != "applicant" and role not in GLOBAL_ROLES:
        errors.append(FieldError("role", "Unknown role."))
    return errors


async def create_verified_user(email: str, name: str, password: str, role: str) -> UUID:
    """Create an active, verified account with one role (the `users create` command)."""
    email = normalise_email(email)
    errors = _validate(email, name, password, role)
    if errors:
        raise Problem(422, "validation_error", "The user could not be created.", errors=errors)
    if await User.exists().where(User.email == email):
        raise Problem(409, "email_taken", f"An account for {email} already exists.")
    now = datetime.now(UTC)
    async with db.write_transaction():
        user = User(
            email=email,
            name=name.strip(),
            password_hash=hash_password(password),
            email_verified_at=now,
        )
        await user.save()
        if role != "applicant":
            await RoleGrant(user=user.id, role=role).save()
    return user.id
