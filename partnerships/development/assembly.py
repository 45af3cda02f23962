"""What the development phase's parts add to the partnerships domain: each part's package
exports ``ROUTERS`` (controllers and route handlers) and ``READERS`` (document owner type →
may_read), and optionally ``CALL_EVENTS`` (call_events hooks), ``NAV_LINKS`` and ``PERIODIC``."""

from __future__ import annotations

from challenge.challenges.policies import unit_ids_of
from challenge.organisations.tables import Membership
from challenge.platform.accounts.policies import is_staff
from challenge.platform.i18n import N_
from challenge.results.tables import Decision
from partnerships.development import offers, pilots, pitch, stipends, workspace
from partnerships.development.access import (
    DEVELOPMENT,
    may_edit_offer,
    may_see_workspace,
    selected_entry,
)
from partnerships.development.stipends import services as stipend_services

PARTS = (stipends, workspace, offers, pitch, pilots)


def routers() -> list:
    """Every part's routers."""
    return [router for part in PARTS for router in getattr(part, "ROUTERS", [])]


def readers() -> dict:
    """Every part's document readers."""
    return {key: reader for part in PARTS for key, reader in getattr(part, "READERS", {}).items()}


def nav_links() -> list:
    """Every part's navigation links."""
    return [link for part in PARTS for link in getattr(part, "NAV_LINKS", [])]


def periodic() -> list:
    """Every part's periodic tasks."""
    return [task for part in PARTS for task in getattr(part, "PERIODIC", [])]


def decision_hooks() -> list:
    """Every part's hooks on a results decision (see Domain.decision_made)."""
    return [hook for part in PARTS for hook in getattr(part, "DECISION_HOOKS", [])]


async def decision_made(actor, call: dict, submission_id, outcome: str) -> None:
    """Run every part's hook on a results decision, inside its write transaction."""
    for hook in decision_hooks():
        await hook(actor, call, submission_id, outcome)


async def call_events(call_id) -> list[dict]:
    """Every part's dates on the call page."""
    events: list[dict] = []
    for part in PARTS:
        for hook in getattr(part, "CALL_EVENTS", []):
            events += await hook(call_id)
    return events


def _workspace_links(submission_id, editing: bool) -> list[tuple[str, str]]:
    """The two links to a selected entry's workspace: the team's words, or the readers'."""
    workspace = f"/development/{submission_id}"
    if editing:
        return [
            (workspace, N_("Open the development workspace")),
            (f"{workspace}/offer", N_("Write the offer for a pilot")),
        ]
    return [(workspace, N_("Development workspace")), (f"{workspace}/offer", N_("Offer"))]


async def submission_links(user, submission: dict) -> list[tuple[str, str]]:
    """Next steps on a proposal for whoever may see its development workspace: the team writes
    its offer there; the owning unit and staff read both."""
    entry = await selected_entry(submission["id"])
    if entry is None or not await may_see_workspace(user, entry):
        return []
    return _workspace_links(submission["id"], await may_edit_offer(user, entry))


async def _selected_of(submission_ids: list) -> list[dict]:
    """Of these proposals, those selected for the development phase (with a challenge): id,
    organisation, the challenge's unit and the call's publication of results; one query."""
    return await Decision.select(
        Decision.submission.as_alias("id"),
        Decision.submission.organisation.as_alias("organisation"),
        Decision.submission.challenge.unit.as_alias("unit"),
        Decision.submission.call.results_published_at.as_alias("results_published_at"),
    ).where(
        Decision.submission.is_in(submission_ids)
        & (Decision.outcome == DEVELOPMENT)
        & Decision.submission.challenge.is_not_null()
    )


async def _team_ids(user, organisation_ids: set) -> set:
    """Which of these organisations the person belongs to (in any role); one query."""
    if not organisation_ids:
        return set()
    rows = await Membership.select(Membership.organisation).where(
        (Membership.user == user.id) & Membership.organisation.is_in(list(organisation_ids))
    )
    return {row["organisation"] for row in rows}


def _offered(entry: dict, staff: bool, teams: set, units: set) -> list[tuple[str, str]]:
    """The links for one selected entry, by access.may_see_workspace and may_edit_offer: staff
    see the workspace from the decision on; the team (which writes the offer) and the owning
    unit once the results are published. ``teams`` and ``units`` are the person's."""
    if entry["results_published_at"] is None:
        return _workspace_links(entry["id"], False) if staff else []
    editing = entry["organisation"] in teams
    if editing or staff or entry["unit"] in units:
        return _workspace_links(entry["id"], editing)
    return []


async def submissions_links(user, submissions: list[dict]) -> dict:
    """:func:`submission_links` for a list of proposals at once (Domain.submissions_links): at
    most three queries whatever its length — the selected entries, the person's teams among
    them and the person's units."""
    links: dict = {row["id"]: [] for row in submissions}
    if user is None or not links:
        return links
    staff = is_staff(user)
    entries = await _selected_of(list(links))
    published = [entry for entry in entries if entry["results_published_at"] is not None]
    teams = await _team_ids(user, {entry["organisation"] for entry in published})
    units = set() if staff or not published else await unit_ids_of(user)
    for entry in entries:
        links[entry["id"]] = _offered(entry, staff, teams, units)
    return links


async def results_published(actor, call: dict) -> None:
    """Draft stipend agreements take the phase dates that follow from the publication."""
    await stipend_services.align_drafts(actor, call)
