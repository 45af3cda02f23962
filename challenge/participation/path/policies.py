"""Who may shape a problem's path: one rule used by the service, the page and the template.

Staff, and the members of any city unit, turn a published problem into a challenge draft or link
it to an existing challenge (staff: any challenge; a unit's members: their units' challenges).
Only staff change a link once it is set, or remove it."""

from __future__ import annotations

from uuid import UUID

from challenge.challenges.policies import unit_ids_of
from challenge.platform.accounts.policies import is_staff

NOTHING = {"staff": False, "units": frozenset(), "create": False, "link": False, "unlink": False}


async def path_rights(user, problem: dict) -> dict:
    """What this person may do with the problem's path: ``create`` a draft, ``link`` it to a
    challenge, ``unlink`` it; ``units`` are the person's units (empty for staff, who choose any)."""
    if user is None or problem.get("status") != "published":
        return dict(NOTHING)
    staff = is_staff(user)
    units = frozenset() if staff else frozenset(await unit_ids_of(user))
    shaping = staff or bool(units)
    unlinked = problem.get("challenge") is None
    return {
        "staff": staff,
        "units": units,
        "create": shaping and unlinked,
        "link": shaping and (unlinked or staff),
        "unlink": staff and not unlinked,
    }


def may_use_challenge(rights: dict, unit_id: UUID) -> bool:
    """Staff link any challenge, a unit's members only their units' ones."""
    return rights["staff"] or unit_id in rights["units"]


def may_shape(rights: dict) -> bool:
    """Whether any of the path's actions is open to the person."""
    return rights["create"] or rights["link"] or rights["unlink"]
