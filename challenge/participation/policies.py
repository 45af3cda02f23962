"""Who may do what in participation: one function per permission, used by services, pages and
templates alike.

Signing in needs a verified e-mail address (accounts.authentication), or a sign-in through the
city's identity provider; so a signed-in person *is* a verified account here."""

from __future__ import annotations

from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.policies import is_staff


def may_take_part(user: CurrentUser | None) -> bool:
    """Propose a problem, support it, comment, report, vote: any verified account."""
    return user is not None


def may_moderate(user: CurrentUser | None) -> bool:
    """Publish, decline and merge problems, hide comments, void votes, run the people's prize."""
    return is_staff(user)


def may_see_problem(user: CurrentUser | None, problem: dict) -> bool:
    """Published problems are public, and merged ones that had been published (they point
    onwards); a pending, declined or withdrawn one — or one merged without ever having been
    published — is seen only by its author and moderators."""
    if problem["status"] == "published":
        return True
    if problem["status"] == "merged" and problem.get("published_at") is not None:
        return True
    if user is None:
        return False
    return may_moderate(user) or problem["author"] == user.id
