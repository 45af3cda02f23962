"""An awarded entry's award letter on demand, for its team and staff."""

from __future__ import annotations

from uuid import UUID

from challenge.calls.tables import Call
from challenge.platform.i18n import N_
from challenge.platform.problems import not_found
from challenge.results import certificates
from challenge.results.policies import may_read_award_letter
from challenge.submissions.tables import Submission


async def award_letter_for(
    user, submission_id: UUID, storage, *, locale: str, base_url: str
) -> dict:
    """The entry's award letter document; 404 for anyone but its team and staff."""
    row = (
        await Submission.select(Submission.id, Submission.organisation, Submission.call)
        .where(Submission.id == submission_id)
        .first()
    )
    if row is None or not await may_read_award_letter(user, row):
        raise not_found(N_("Proposal not found"))
    call = await Call.select().where(Call.id == row["call"]).first()
    return await certificates.award_letter(
        storage, call, submission_id, locale=locale, base_url=base_url, actor=user
    )
