"""What submissions hold about a person, for the privacy export and erasure, and the retention
rule for drafts (``challenge.platform.privacy`` and the housekeeping ask through the Domain record)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from challenge import db
from challenge.calls.tables import Call
from challenge.organisations.privacy import sole_teams, team_ids
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.submissions.tables import Submission, SubmissionVersion

NOBODY = uuid.UUID(int=0)  # `is_in` needs a non-empty list


async def export(user_id: uuid.UUID) -> dict:
    """The proposals the person created or their teams hold, and their versions."""
    teams = await team_ids(user_id)
    submissions = (
        await Submission.select()
        .output(load_json=True)
        .where(
            (Submission.created_by == user_id) | Submission.organisation.is_in(teams or [NOBODY])
        )
    )
    versions = await SubmissionVersion.select(
        SubmissionVersion.submission,
        SubmissionVersion.number,
        SubmissionVersion.sha256,
        SubmissionVersion.created_at,
    ).where(SubmissionVersion.submission.is_in([s["id"] for s in submissions] or [NOBODY]))
    return {"submissions": submissions, "submission_versions": versions}


async def erase(user_id: uuid.UUID, address: str) -> dict:
    """Drafts of teams the person is alone in go (a shared team's drafts are the others' work
    too); submitted proposals stay, no longer naming their creator. Runs before organisations
    removes the memberships."""
    sole = await sole_teams(user_id)
    draft_ids = [
        d["id"]
        for d in await Submission.select(Submission.id).where(
            (Submission.status == "draft") & Submission.organisation.is_in(sole or [NOBODY])
        )
    ]
    if draft_ids:
        await Submission.delete().where(Submission.id.is_in(draft_ids))
    await Submission.update({Submission.created_by: None}).where(Submission.created_by == user_id)
    return {"draft_proposals": len(draft_ids)}


async def delete_stale_drafts(settings, now: datetime | None = None) -> int:
    """Drafts of calls that closed more than CHALLENGE_DRAFT_RETENTION_MONTHS ago are deleted."""
    cutoff = (now or clock.now()) - timedelta(days=30 * settings.draft_retention_months)
    calls = [c["id"] for c in await Call.select(Call.id).where(Call.closes_at < cutoff)]
    if not calls:
        return 0
    async with db.write_transaction():
        deleted = (
            await Submission.delete()
            .where((Submission.status == "draft") & Submission.call.is_in(calls))
            .returning(Submission.id)
        )
        if deleted:
            await record(
                "privacy.drafts_deleted",
                actor_label="housekeeping",
                object_type="submission",
                payload={"count": len(deleted), "closed_before": cutoff.isoformat()},
            )
    return len(deleted)
