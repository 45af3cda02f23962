"""Demo data of the path: one demo problem becomes part of this year's challenge (the open call's
first challenge), so its page shows the path. Idempotent; adds nothing when the problem or the
call is missing."""

from __future__ import annotations

from challenge import db
from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge
from challenge.participation.tables import ResidentProblem
from challenge.platform import clock
from challenge.platform.audit.service import record

# the demo problem (challenge.participation.problems.demo_data) that became this year's challenge
# on the city's trees
TITLE = "Wasserstand der Stadtbäume im Sommer unbekannt"


async def _problem() -> dict | None:
    return (
        await ResidentProblem.select(ResidentProblem.id, ResidentProblem.challenge)
        .where((ResidentProblem.status == "published") & (ResidentProblem.title == TITLE))
        .first()
    )


async def _open_challenge() -> dict | None:
    now = clock.now()
    call = (
        await Call.select(Call.id)
        .where((Call.status == "published") & (Call.opens_at <= now) & (Call.closes_at > now))
        .order_by(Call.opens_at, ascending=False)
        .first()
    )
    if call is None:
        return None
    return (
        await Challenge.select(Challenge.id)
        .where((Challenge.call == call["id"]) & (Challenge.status == "approved"))
        .order_by(Challenge.position)
        .first()
    )


async def load_demo(settings) -> int:
    """Link the demo problem to the open call's first challenge; 1 if it was linked now."""
    problem = await _problem()
    if problem is None or problem["challenge"] is not None:
        return 0
    challenge = await _open_challenge()
    if challenge is None:
        return 0
    async with db.write_transaction():
        await ResidentProblem.update(
            {ResidentProblem.challenge: challenge["id"], ResidentProblem.linked_at: clock.now()}
        ).where((ResidentProblem.id == problem["id"]) & ResidentProblem.challenge.is_null())
        await record(
            "problem.linked",
            actor_label="demo",
            object_type="problem",
            object_id=problem["id"],
            payload={"challenge": str(challenge["id"])},
        )
    return 1
