"""What partnerships add to the public path of a resident's problem (Domain.challenge_progress):
per challenge, each pilot contracted for it (with its public project page) and how many of its
milestones are met (approved or paid). Two queries for any number of challenges."""

from __future__ import annotations

from uuid import UUID

from challenge.platform.i18n import N_
from partnerships.opendata.facts import PUBLIC_STATES
from partnerships.tables import Milestone, Partnership

PILOT_KINDS = ("pilot", "partnership")  # a stipend is not a pilot
MET = ("approved", "paid")


def _milestones(rows: list[dict]) -> dict[UUID, dict]:
    counted: dict[UUID, dict] = {}
    for row in rows:
        entry = counted.setdefault(row["partnership"], {"met": 0, "total": 0, "date": None})
        entry["total"] += 1
        if row["status"] in MET:
            entry["met"] += 1
            moment = row["paid_at"] or row["approved_at"]
            if moment and (entry["date"] is None or moment > entry["date"]):
                entry["date"] = moment
    return counted


def _steps(pilot: dict, milestones: dict) -> list[dict]:
    steps = [
        {
            "key": f"pilot:{pilot['number']}",
            "label": N_("Pilot contracted"),
            "detail": pilot["title"],
            "href": f"/projects/{pilot['id']}",
            "date": pilot["signed_at"],
        }
    ]
    counted = milestones.get(pilot["id"])
    if counted and counted["met"]:
        steps.append(
            {
                "key": f"milestones:{pilot['number']}:{counted['met']}",
                "label": N_("Milestones met"),
                "detail": pilot["title"],
                "href": f"/projects/{pilot['id']}",
                "met": counted["met"],
                "total": counted["total"],
                "date": counted["date"] or pilot["signed_at"],
            }
        )
    return steps


async def challenge_progress(challenge_ids: list[UUID]) -> dict[UUID, list[dict]]:
    """{challenge id: steps} for the public pilots (signed, as on the project pages) of these
    challenges, oldest contract first."""
    if not challenge_ids:
        return {}
    pilots = (
        await Partnership.select(
            Partnership.id,
            Partnership.number,
            Partnership.title,
            Partnership.signed_at,
            Partnership.submission.challenge.as_alias("challenge"),
        )
        .where(
            Partnership.submission.challenge.is_in(list(challenge_ids))
            & Partnership.kind.is_in(list(PILOT_KINDS))
            & Partnership.status.is_in(list(PUBLIC_STATES))
            & Partnership.signed_at.is_not_null()
        )
        .order_by(Partnership.signed_at)
    )
    if not pilots:
        return {}
    milestones = _milestones(
        await Milestone.select(
            Milestone.partnership, Milestone.status, Milestone.approved_at, Milestone.paid_at
        ).where(Milestone.partnership.is_in([p["id"] for p in pilots]))
    )
    progress: dict[UUID, list[dict]] = {}
    for pilot in pilots:
        progress.setdefault(pilot["challenge"], []).extend(_steps(pilot, milestones))
    return progress
