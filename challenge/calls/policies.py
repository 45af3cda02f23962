"""Who may do what with calls."""

from __future__ import annotations


def may_see_draft_calls(user) -> bool:
    """Staff (and admins) see calls before they are published."""
    roles = getattr(user, "roles", ()) or ()
    return "staff" in roles or "admin" in roles
