"""What partnerships hold about a person, for the privacy export."""

from __future__ import annotations

from partnerships.tables import Evidence


async def privacy_export(user_id) -> dict:
    """What partnerships hold about a person: the evidence they submitted (contracts and payments
    belong to organisations)."""
    return {
        "evidence": await Evidence.select(
            Evidence.milestone,
            Evidence.round,
            Evidence.note,
            Evidence.document,
            Evidence.created_at,
        ).where(Evidence.submitted_by == user_id)
    }
