"""What submissions tell calls about a call's entries (through ``Domain.call_has_entries``)."""

from __future__ import annotations

from uuid import UUID

from challenge.submissions.tables import Submission


async def has_entries(call_id: UUID) -> bool:
    """Whether any proposal (draft or submitted) exists for the call."""
    return await Submission.exists().where(Submission.call == call_id)


async def challenge_has_entries(challenge_id: UUID) -> bool:
    """Whether a proposal that is not withdrawn answers the challenge."""
    return await Submission.exists().where(
        (Submission.challenge == challenge_id) & (Submission.status != "withdrawn")
    )
