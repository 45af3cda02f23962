"""What the development phase's parts add to the partnerships domain: each part's package
exports ``ROUTERS`` (controllers and route handlers) and ``READERS`` (document owner type →
may_read), and optionally ``CALL_EVENTS`` (call_events hooks), ``NAV_LINKS`` and ``PERIODIC``."""

from __future__ import annotations

from challenge.platform.i18n import N_
from partnerships.development import offers, pilots, pitch, stipends, workspace
from partnerships.development.access import may_edit_offer, may_see_workspace, selected_entry
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


async def submission_links(user, submission: dict) -> list[tuple[str, str]]:
    """Next steps on a proposal for whoever may see its development workspace: the team writes
    its offer there; the owning unit and staff read both."""
    entry = await selected_entry(submission["id"])
    if entry is None or not await may_see_workspace(user, entry):
        return []
    workspace = f"/development/{submission['id']}"
    if await may_edit_offer(user, entry):
        return [
            (workspace, N_("Open the development workspace")),
            (f"{workspace}/offer", N_("Write the offer for a pilot")),
        ]
    return [(workspace, N_("Development workspace")), (f"{workspace}/offer", N_("Offer"))]


async def results_published(actor, call: dict) -> None:
    """Draft stipend agreements take the phase dates that follow from the publication."""
    await stipend_services.align_drafts(actor, call)
