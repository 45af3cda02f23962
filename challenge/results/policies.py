"""Who may do what with results. Staff decide, publish and export (the routes' staff guard);
an entry's award letter is for its team and staff; decisions freeze with the publication."""

from __future__ import annotations

from challenge.organisations.policies import is_member
from challenge.platform.accounts.policies import is_staff


async def may_read_award_letter(user, submission: dict) -> bool:
    """Staff, and the members of the entry's team (``submission`` carries ``organisation``)."""
    return is_staff(user) or await is_member(user, submission["organisation"])


def decisions_frozen(call: dict) -> bool:
    """Once the results are published no decision changes: the service refuses (409
    ``results_published``) and the pages offer no control for it. ``call`` carries
    ``results_published_at``."""
    return call.get("results_published_at") is not None
