"""What the juror's pages show around the scoring: the assignments in one order, the next
unfinished one, progress per call and each jury's state in one word."""

from __future__ import annotations

from uuid import UUID

from challenge.jury import reviews
from challenge.jury.assignment_service import assignments_of
from challenge.jury.tables import Round


def ordered(assignments: list[dict]) -> list[dict]:
    """Round by round, by title: the order of the juror's list and of "next entry"."""
    return sorted(assignments, key=lambda a: (a["round"], (a["title"] or "").casefold()))


def next_open(assignments: list[dict], submission_id: UUID, number: int) -> dict | None:
    """The juror's next unfinished review after this one in the list's order (wrapping round to
    the start); None when every other review is done."""
    rows = ordered(assignments)
    here = next(
        (
            i
            for i, a in enumerate(rows)
            if a["submission"] == submission_id and a["round"] == number
        ),
        -1,
    )
    for a in rows[here + 1 :] + rows[: max(here, 0)]:
        if a["status"] != "done" and (a["submission"], a["round"]) != (submission_id, number):
            return a
    return None


def progress(assignments: list[dict]) -> dict:
    """Reviews done and assigned (recused ones are not in the list)."""
    return {
        "done": sum(1 for a in assignments if a["status"] == "done"),
        "assigned": len(assignments),
    }


def jury_state(jury: dict, done: int, assigned: int) -> str:
    """The juror's state on a jury as a ``juror`` status code."""
    if not jury["accepted_at"]:
        return "invited"
    if not jury["declaration_completed_at"]:
        return "declaration_open"
    if assigned and done == assigned:
        return "finished"
    return "reviewing" if assigned else "waiting"


async def juries_with_progress(user, juries: list[dict]) -> list[dict]:
    """The user's juries, each with reviews done and assigned, its state and its window's end."""
    mine = await assignments_of(user)
    rounds = await rounds_by_call([jury["call_id"] for jury in juries])
    for jury in juries:
        theirs = [a for a in mine if a["call"] == jury["slug"]]
        counts = progress(theirs)
        if not jury["declaration_completed_at"]:
            counts = {"done": 0, "assigned": 0}  # nothing is shown before the declaration
        jury.update(counts, state=jury_state(jury, counts["done"], counts["assigned"]))
        call = {"id": jury["call_id"], "jury_ends_at": jury["jury_ends_at"]}
        jury["window_end"] = open_window_end(call, theirs, rounds.get(jury["call_id"], {}))
    return juries


async def rounds_by_call(call_ids: list) -> dict:
    """{call id: {round number: round (number, ends_at)}} for these calls (one query)."""
    found: dict = {}
    if call_ids:
        for row in await Round.select(Round.call, Round.number, Round.ends_at).where(
            Round.call.is_in(list(call_ids))
        ):
            found.setdefault(row["call"], {})[row["number"]] = row
    return found


def open_window_end(call: dict, assignments: list[dict], rounds: dict):
    """When the juror's open reviews lock: the earliest end among the rounds they still have a
    review open in (reviews.window_end: a round's own end, round 1 the call's jury window by
    default); without open reviews, round 1's. None: no end is set."""
    open_rounds = {a["round"] for a in assignments if a["status"] != "done"} or {1}
    ends = [
        reviews.window_end(call, rounds.get(number, {"ends_at": None, "number": number}))
        for number in open_rounds
    ]
    return min((end for end in ends if end is not None), default=None)


async def window_end(call: dict, assignments: list[dict]):
    """:func:`open_window_end` for one call, its rounds read here."""
    rounds = await rounds_by_call([call["id"]])
    return open_window_end(call, assignments, rounds.get(call["id"], {}))
