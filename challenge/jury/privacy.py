"""What the jury holds about a person, for the privacy export (reviews and declarations are kept
on erasure: they are the record of how the money was awarded)."""

from __future__ import annotations

from uuid import UUID

from challenge.jury.tables import Conflict, Juror, Review


async def export(user_id: UUID) -> dict:
    """The calls the person judges, their conflicts and reviews."""
    return {
        "jury": {
            "calls": await Juror.select().where(Juror.user == user_id),
            "conflicts": await Conflict.select().where(Conflict.juror == user_id),
            "reviews": await Review.select().output(load_json=True).where(Review.juror == user_id),
        }
    }
