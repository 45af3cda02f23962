"""Threads on what partnerships holds (issue 20), answered for challenge.messages through
``Domain.thread_subjects``: a development workspace ("workspace", its id the selected proposal's)
— the team, the owning unit and staff, as the workspace itself (development.access); and a
partnership ("partnership") — the partner's members (not while a draft), staff and finance
(contracts.policies). Jurors never: neither rule admits a seat on a jury."""

from __future__ import annotations

from uuid import UUID

from challenge.messages.policies import members_of
from challenge.platform.accounts.policies import is_staff
from partnerships.contracts import policies as contract_policies
from partnerships.contracts.services import get as get_partnership
from partnerships.development.access import (
    is_owning_unit,
    is_team,
    may_see_workspace,
    selected_entry,
)


async def workspace_access(user, submission_id: UUID) -> dict | None:
    """The workspace's thread: whoever sees the workspace, as team, unit or staff."""
    entry = await selected_entry(submission_id)
    if entry is None or user is None or not await may_see_workspace(user, entry):
        return None
    if is_staff(user):
        side = "staff"
    elif await is_team(user, entry):
        side = "team"
    elif await is_owning_unit(user, entry):
        side = "unit"
    else:
        return None
    title = f"{entry['reference']} – {entry['title']}" if entry["reference"] else entry["title"]
    return {
        "side": side,
        "call_id": entry["call"],
        "title": title,
        "href": f"/development/{submission_id}",
        "members": await members_of(entry["organisation"]),
    }


async def partnership_access(user, partnership_id: UUID) -> dict | None:
    """The partnership's thread: staff and finance (the city's side) and the partner's members."""
    row = await get_partnership(partnership_id)
    if row is None or user is None or not await contract_policies.may_view(user, row):
        return None
    city = contract_policies.may_list(user)
    return {
        "side": "staff" if city else "partner",
        "call_id": row["call"],
        "title": row["title"],
        "href": (
            f"/staff/partnerships/{partnership_id}"
            if city
            else f"/partner/partnerships/{partnership_id}"
        ),
        "members": await members_of(row["organisation"]),
    }


SUBJECTS = {"workspace": workspace_access, "partnership": partnership_access}
