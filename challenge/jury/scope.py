"""Which entries a juror judges: the whole call, or the challenges named at the invitation.

``covers`` is the one rule: reading (``access.juror_may_read``, which the proposal pages, the
review pages and API and the document downloads ask), the declaration, the assignment and the
juror's list all decide with it. A call without challenges has entries without a challenge and
jurors without challenges: every juror covers every entry, as before."""

from __future__ import annotations

from uuid import UUID

from challenge.challenges import placement
from challenge.challenges.tables import Challenge
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem


def covers(juror_challenges: list | None, challenge_id: UUID | str | None) -> bool:
    """Whether a juror with these challenges (ids as text; empty: the whole call) judges an entry
    of this challenge (None: an entry of a call without challenges)."""
    if not juror_challenges:
        return True
    return challenge_id is not None and str(challenge_id) in {str(c) for c in juror_challenges}


def in_scope(juror: dict, rows: list[dict], key: str = "challenge") -> list[dict]:
    """The rows (entries, assignments) whose challenge the juror covers."""
    return [row for row in rows if covers(juror.get("challenges"), row.get(key))]


async def challenge_ids_for(call: dict, keys: list[str] | None) -> list[str]:
    """The ids (as text) of the call's challenges named by key; none named: the whole call ([]).
    An unknown key, or any key on a call without challenges, is a 422 on ``challenges``."""
    if not keys:
        return []
    known = {c["key"]: str(c["id"]) for c in await placement.of_call(call["id"])}
    unknown = sorted({k for k in keys if k not in known})
    if unknown:
        message = (
            N_("No challenge of this call has this key.")
            if known
            else N_("This call has no challenges; invite for the whole call.")
        )
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("challenges", message)],
            extra={"unknown": unknown},
        )
    ordered = []
    for key in keys:
        if known[key] not in ordered:
            ordered.append(known[key])
    return ordered


async def titles(call_id: UUID) -> dict[str, dict]:
    """The call's challenges by id (as text): key and title, in the call's order."""
    rows = (
        await Challenge.select(Challenge.id, Challenge.key, Challenge.title)
        .where((Challenge.call == call_id) & (Challenge.status == "approved"))
        .order_by(Challenge.position)
        .order_by(Challenge.key)
    )
    return {str(r["id"]): {"id": r["id"], "key": r["key"], "title": r["title"]} for r in rows}
