"""Who may do what with accounts."""

from __future__ import annotations

from challenge.platform.accounts.identity import CurrentUser

TOKEN_ROLES = ("staff", "finance", "admin")


def is_staff(user: CurrentUser | None) -> bool:
    """City staff (admins included): they run calls and see every proposal."""
    return user is not None and user.has_role("staff", "admin")


def is_finance(user: CurrentUser | None) -> bool:
    """Finance approves and records payments."""
    return user is not None and user.has_role("finance")


def may_use_api_tokens(user: CurrentUser | None) -> bool:
    """API tokens are for staff integrations, not for applicants."""
    return user is not None and user.has_role(*TOKEN_ROLES)


def may_manage_users(user: CurrentUser | None) -> bool:
    """Only admins manage accounts and their roles."""
    return user is not None and user.has_role("admin")


def may_change_role(actor: CurrentUser, target_id, role: str) -> bool:
    """Admins grant and revoke roles, but cannot remove their own admin role (no lock-out)."""
    return may_manage_users(actor) and not (role == "admin" and actor.id == target_id)
