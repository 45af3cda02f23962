"""A person's share of the people's prize: their votes (export), and erasure, which keeps each
vote as a counted vote (the account row stays, anonymised by the platform) but removes what
points to the person: the IP address and the mail domain recorded with it."""

from __future__ import annotations

from uuid import UUID

from challenge.participation.tables import PrizeCandidate, PrizeVote


async def export(user_id: UUID) -> dict:
    """{"prize_votes": [...], "prize_consents": [...]} for the person's data file."""
    votes = await (
        PrizeVote.select(
            PrizeVote.voting.call.title.as_alias("call"),
            PrizeVote.candidate.public_title.as_alias("candidate"),
            PrizeVote.ip,
            PrizeVote.email_domain,
            PrizeVote.created_at,
            PrizeVote.updated_at,
            PrizeVote.voided_at,
            PrizeVote.void_reason,
        )
        .where(PrizeVote.user == user_id)
        .order_by(PrizeVote.created_at)
    )
    consents = await PrizeCandidate.select(
        PrizeCandidate.public_title, PrizeCandidate.consented_at
    ).where(PrizeCandidate.consented_by == user_id)
    return {
        "prize_votes": [
            {
                **row,
                "created_at": row["created_at"].isoformat(),
                "updated_at": row["updated_at"].isoformat(),
                "voided_at": row["voided_at"].isoformat() if row["voided_at"] else None,
            }
            for row in votes
        ],
        "prize_consents": [
            {"candidate": row["public_title"], "at": row["consented_at"].isoformat()}
            for row in consents
            if row["consented_at"]
        ],
    }


async def erase(user_id: UUID, address: str) -> dict:
    """Blank the IP address and mail domain of the person's votes (inside the erasure's
    transaction); the votes keep counting."""
    changed = await (
        PrizeVote.update({PrizeVote.ip: "", PrizeVote.email_domain: ""})
        .where(PrizeVote.user == user_id)
        .returning(PrizeVote.id)
    )
    await PrizeCandidate.update({PrizeCandidate.consented_by: None}).where(
        PrizeCandidate.consented_by == user_id
    )
    return {"prize_votes_blanked": len(changed)}
