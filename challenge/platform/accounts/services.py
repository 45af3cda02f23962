"""Account rules: profile, language setting and accounts created by the command line.

Registration and verification live in ``registration``, password reset and change in
``password_reset``."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts.email_links import invalid
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.passwords import hash_password_async, password_errors
from challenge.platform.accounts.tables import GLOBAL_ROLES, RoleGrant, User
from challenge.platform.accounts.validation import email_errors, normalise_email, profile_errors
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem


async def update_profile(actor: CurrentUser, *, name: str, locale: str, affiliation: str) -> dict:
    """Change one's own name, language and affiliation (audited)."""
    errors = profile_errors(name, locale, affiliation)
    if errors:
        raise invalid(errors)
    changes = {User.name: name.strip(), User.locale: locale, User.affiliation: affiliation.strip()}
    async with db.write_transaction():
        await User.update(changes).where(User.id == actor.id)
        await record(
            "account.profile_updated",
            actor=actor,
            object_type="user",
            object_id=actor.id,
            payload={"locale": locale},
        )
    return await User.select().where(User.id == actor.id).first()


async def remember_locale(user: CurrentUser, code: str) -> None:
    """Store the chosen language as the account's setting (it comes before the cookie)."""
    if user.locale != code:
        await User.update({User.locale: code}).where(User.id == user.id)


async def create_verified_user(email: str, name: str, password: str, role: str) -> UUID:
    """Create an active, verified account with one role (the `users create` command)."""
    email = normalise_email(email)
    errors = (
        email_errors(email) + profile_errors(name, "de") + password_errors(password, email=email)
    )
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
            password_hash=await hash_password_async(password),
            email_verified_at=clock.now(),
        )
        await user.save()
        if role != "applicant":
            await RoleGrant(user=user.id, role=role).save()
        await record(
            "account.created",
            actor_label="cli",
            object_type="user",
            object_id=user.id,
            payload={"role": role},
        )
    return user.id
