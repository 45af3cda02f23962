"""Admin work on accounts: listing users, granting and revoking global roles (audited)."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.policies import may_change_role, may_manage_users
from challenge.platform.accounts.sessions import end_all_sessions
from challenge.platform.accounts.tables import GLOBAL_ROLES, RoleGrant, User
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found


def _require_admin(actor: CurrentUser) -> None:
    if not may_manage_users(actor):
        raise Problem(403, "forbidden", N_("You are not allowed to do this."))


async def list_users(actor: CurrentUser, *, query: str = "", page: int = 1, per_page: int = 50):
    """Users (newest first) with their roles, filtered by a text in e-mail or name."""
    _require_admin(actor)
    where = None
    if query.strip():
        text = query.strip().lower()
        where = db.contains_text(User.email, text) | db.contains_text(User.name, text)
    select = User.select(
        User.id, User.email, User.name, User.email_verified_at, User.is_active, User.created_at
    ).order_by(User.created_at, ascending=False)
    count = User.count()
    if where is not None:
        select, count = select.where(where), count.where(where)
    rows = await select.limit(per_page).offset((page - 1) * per_page)
    grants = await RoleGrant.select(RoleGrant.user, RoleGrant.role).where(
        RoleGrant.user.is_in([row["id"] for row in rows] or [UUID(int=0)])
    )
    for row in rows:
        row["roles"] = sorted(g["role"] for g in grants if g["user"] == row["id"])
    return rows, await count


async def get_user(actor: CurrentUser, user_id: UUID) -> dict:
    _require_admin(actor)
    row = (
        await User.select(
            User.id,
            User.email,
            User.name,
            User.locale,
            User.affiliation,
            User.email_verified_at,
            User.is_active,
            User.created_at,
        )
        .where(User.id == user_id)
        .first()
    )
    if row is None:
        raise not_found(N_("User not found"))
    row["roles"] = sorted(
        g["role"] for g in await RoleGrant.select(RoleGrant.role).where(RoleGrant.user == user_id)
    )
    return row


def _check_role(role: str) -> None:
    if role not in GLOBAL_ROLES:
        raise Problem(
            422,
            "validation_error",
            N_("Unknown role."),
            errors=[FieldError("role", N_("Unknown role."))],
        )


async def grant_role(actor: CurrentUser, user_id: UUID, role: str) -> dict:
    """Give a user a global role (idempotent). Every session of the person ends: with
    CHALLENGE_REQUIRE_2FA_INTERNAL the next sign-in sets up or asks for the second factor."""
    _check_role(role)
    target = await get_user(actor, user_id)
    if role in target["roles"]:
        return target
    async with db.write_transaction():
        await RoleGrant(user=user_id, role=role, granted_by=actor.id).save()
        if user_id != actor.id:
            # an internal role may need two-factor login: the next sign-in goes through it
            await end_all_sessions(user_id)
        await record(
            "role.granted",
            actor=actor,
            object_type="user",
            object_id=user_id,
            payload={"role": role, "email": target["email"]},
        )
    return await get_user(actor, user_id)


async def revoke_role(actor: CurrentUser, user_id: UUID, role: str) -> dict:
    """Take a global role away; an admin cannot revoke their own admin role."""
    _check_role(role)
    target = await get_user(actor, user_id)
    if not may_change_role(actor, user_id, role):
        raise Problem(422, "own_admin_role", N_("You cannot remove your own admin role."))
    if role not in target["roles"]:
        return target
    async with db.write_transaction():
        await RoleGrant.delete().where((RoleGrant.user == user_id) & (RoleGrant.role == role))
        await record(
            "role.revoked",
            actor=actor,
            object_type="user",
            object_id=user_id,
            payload={"role": role, "email": target["email"]},
        )
    return await get_user(actor, user_id)
