"""Who may do what with a partnership: one function per permission, used by the services, the
pages and (as booleans the pages compute with them) the templates."""

from __future__ import annotations

from challenge.organisations.policies import is_member
from challenge.platform.accounts.policies import is_finance, is_staff

AMENDABLE = ("signed", "active")
TERMINABLE = ("draft", "sent", "signed", "active")


def may_manage(user) -> bool:
    """Staff (admins included) create, edit, send, amend and terminate contracts."""
    return is_staff(user)


def may_list(user) -> bool:
    """Staff and finance see every partnership."""
    return is_staff(user) or is_finance(user)


async def may_view(user, partnership: dict) -> bool:
    """Staff and finance; the partner's members once it is sent (a draft is the city's own work,
    as in the partner area)."""
    if may_list(user):
        return True
    return await may_see_as_partner(user, partnership)


async def may_see_as_partner(user, partnership: dict) -> bool:
    """The partner area: the organisation's members, and not while a draft."""
    return (
        user is not None
        and partnership["status"] != "draft"
        and await is_member(user, partnership["organisation"])
    )


def may_edit_plan(user, partnership: dict) -> bool:
    """Only a draft's plan is edited, by staff; after signing it is amended."""
    return may_manage(user) and partnership["status"] == "draft"


def may_send(user, partnership: dict) -> bool:
    """Staff send a draft."""
    return may_edit_plan(user, partnership)


async def may_sign_for(user, partnership: dict) -> bool:
    """Who may hand in the countersigned copy: staff or the partner's members."""
    return is_staff(user) or (
        user is not None and await is_member(user, partnership["organisation"])
    )


def awaits_signed_copy(partnership: dict) -> bool:
    """A sent contract waits for its countersigned copy."""
    return partnership["status"] == "sent"


async def may_attach_signed_copy(user, partnership: dict) -> bool:
    """The countersigned copy is uploaded while the contract is sent, by staff or the partner."""
    return awaits_signed_copy(partnership) and await may_sign_for(user, partnership)


def may_amend(user, partnership: dict) -> bool:
    """Staff amend a signed contract."""
    return may_manage(user) and partnership["status"] in AMENDABLE


def may_terminate(user, partnership: dict) -> bool:
    """Staff terminate a contract that is not completed or terminated."""
    return may_manage(user) and partnership["status"] in TERMINABLE
