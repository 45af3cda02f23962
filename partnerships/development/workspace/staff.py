"""Staff's view of a call's development phase: its dates (set through phase.set_phase) and the
selected teams per challenge with their checklist progress, stipend and offer status."""

from __future__ import annotations

from challenge import db
from challenge.challenges.tables import Challenge
from challenge.platform.accounts.policies import is_staff
from challenge.platform.i18n import N_
from challenge.platform.problems import forbidden, not_found
from partnerships.development.access import call_by_slug, selected_of_call
from partnerships.development.phase import PhaseIn, phase_of, set_phase
from partnerships.development.rules import CHECKLIST
from partnerships.development.stipends.services import align_drafts
from partnerships.development.tables import Offer
from partnerships.development.workspace.checklist import progress_of
from partnerships.tables import Partnership

CALL_NOT_FOUND = N_("Call not found")


async def staff_call(actor, slug: str) -> dict:
    """The call for staff (403 for anyone else, 404 for an unknown slug)."""
    if not is_staff(actor):
        raise forbidden()
    call = await call_by_slug(slug)
    if call is None:
        raise not_found(CALL_NOT_FOUND)
    return call


async def set_dates(actor, call: dict, data: PhaseIn) -> dict:
    """Staff set the phase's dates (phase.set_phase, audited); the call's draft stipend
    agreements then take the new dates (sent or signed ones keep what was agreed)."""
    phase = await set_phase(actor, call, data)
    async with db.write_transaction():
        await align_drafts(actor, call)
    return phase


def phase_out(phase: dict) -> dict:
    """The phase as the API shows it."""
    return {
        "starts_on": phase["starts_on"],
        "ends_on": phase["ends_on"],
        "offer_due_at": phase["offer_due_at"],
        "bonus_cap_cents": phase["bonus_cap_cents"],
        "set": phase["set"],
    }


async def _statuses(ids: list) -> tuple[dict, dict]:
    stipends = await Partnership.select(
        Partnership.id, Partnership.submission, Partnership.status
    ).where(Partnership.submission.is_in(ids) & (Partnership.kind == "stipend"))
    offers = await Offer.select(Offer.submission, Offer.status, Offer.version).where(
        Offer.submission.is_in(ids)
    )
    return (
        {
            row["submission"]: {"partnership_id": row["id"], "status": row["status"]}
            for row in stipends
        },
        {row["submission"]: {"status": row["status"], "version": row["version"]} for row in offers},
    )


async def selected_teams(call: dict) -> list[dict]:
    """The call's selected teams with checklist progress, stipend and offer status."""
    teams = await selected_of_call(call["id"])
    ids = [team["id"] for team in teams]
    if not ids:
        return []
    progress = await progress_of(ids)
    stipends, offers = await _statuses(ids)
    return [
        {
            "submission_id": team["id"],
            "reference": team["reference"],
            "title": team["title"],
            "organisation_name": team["organisation_name"],
            "challenge": team["challenge_key"],
            "challenge_title": team["challenge_title"],
            "checklist_done": progress[team["id"]],
            "checklist_total": len(CHECKLIST),
            "stipend": stipends.get(team["id"]),
            "offer": offers.get(team["id"]),
        }
        for team in teams
    ]


async def overview(actor, slug: str) -> dict:
    """The staff page's data: the call, its phase, and the challenges with their teams."""
    call = await staff_call(actor, slug)
    teams = await selected_teams(call)
    challenges = (
        await Challenge.select(Challenge.key, Challenge.title)
        .where(Challenge.call == call["id"])
        .order_by(Challenge.position)
    )
    for challenge in challenges:
        challenge["teams"] = [t for t in teams if t["challenge"] == challenge["key"]]
    return {"call": call, "phase": await phase_of(call), "challenges": challenges}
