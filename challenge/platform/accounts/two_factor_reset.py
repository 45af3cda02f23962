"""Resetting a person's two-factor login (a lost phone, or a secret key that changed): by an
admin in a browser session (never their own account, never with an API token), or on the
command line (``challenge users reset-2fa``) when no other admin is left. The secret and the
recovery codes go, every session of the person ends and their API tokens are revoked in the
same transaction; the person gets a mail and sets it up again at the next sign-in. Audited."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts.email_links import send_mail
from challenge.platform.accounts.sessions import end_all_sessions
from challenge.platform.accounts.tables import ApiToken, User
from challenge.platform.accounts.two_factor import forget, not_enrolled
from challenge.platform.accounts.two_factor_tables import TotpSecret
from challenge.platform.accounts.validation import normalise_email
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem, not_found


def _check_actor(actor, user_id: UUID) -> None:
    if not actor.has_role("admin"):
        raise Problem(403, "forbidden", N_("You are not allowed to do this."))
    if getattr(actor, "token_id", None) is not None:
        raise Problem(
            403,
            "session_required",
            N_("Resetting two-factor login needs a signed-in browser session, not an API token."),
        )
    if user_id == actor.id:
        raise Problem(
            403,
            "own_account",
            N_(
                "You cannot reset your own two-factor login. Use a recovery code, or ask "
                "another administrator."
            ),
        )


async def admin_reset(actor, user_id: UUID, *, base_url: str) -> None:
    """An admin resets another person's two-factor login."""
    _check_actor(actor, user_id)
    user = await User.select().where(User.id == user_id).first()
    if user is None:
        raise not_found()
    await _reset(user, base_url, actor=actor)


async def cli_reset(email: str, *, base_url: str) -> None:
    """The command line resets the two-factor login of the account of this address (actor
    "cli"); 404 for an unknown address, 409 when it has none."""
    user = await User.select().where(User.email == normalise_email(email)).first()
    if user is None:
        raise not_found(N_("User not found"))
    await _reset(user, base_url, actor_label="cli")


async def _reset(user: dict, base_url: str, *, actor=None, actor_label: str = "") -> None:
    user_id = user["id"]
    if not await TotpSecret.exists().where(TotpSecret.user == user_id):
        raise not_enrolled()
    async with db.write_transaction():
        await forget(user_id)
        await end_all_sessions(user_id)
        await ApiToken.update({ApiToken.revoked_at: clock.now()}).where(
            (ApiToken.user == user_id) & ApiToken.revoked_at.is_null()
        )
        await send_mail(
            user["email"],
            "two_factor_reset",
            locale=user["locale"],
            base_url=base_url,
            name=user["name"],
            login_link=f"{base_url}/login",
        )
        await record(
            "account.two_factor_reset",
            actor=actor,
            actor_label=actor_label,
            object_type="user",
            object_id=user_id,
        )
