"""A call's jury at a glance for staff: each juror's and each entry's assigned and finished
reviews (recused assignments left out), the active conflicts with names and, on a call with
challenges, the progress per challenge and each juror's challenges."""

from __future__ import annotations

from challenge.jury.conflicts import active_conflicts
from challenge.jury.scope import covers, titles
from challenge.jury.tables import Assignment, Juror
from challenge.submissions.tables import Submission


async def _active_assignments(call_id) -> list[dict]:
    return await Assignment.select(
        Assignment.juror, Assignment.submission, Assignment.status
    ).where((Assignment.round.call == call_id) & (Assignment.status != "recused"))


def _count(rows: list[dict], assignments: list[dict], row_key: str, assignment_key: str) -> None:
    """Sets ``assigned`` and ``done`` on every row from the assignments that point at it."""
    for row in rows:
        mine = [a for a in assignments if a[assignment_key] == row[row_key]]
        row["assigned"], row["done"] = len(mine), sum(1 for a in mine if a["status"] == "done")


async def _jurors(call_id) -> list[dict]:
    """The call's jurors; ``challenges`` as the call's challenges (key, title), [] for the whole
    call."""
    rows = (
        await Juror.select(
            Juror.id,
            Juror.user,
            Juror.user.name.as_alias("name"),
            Juror.user.email.as_alias("email"),
            Juror.accepted_at,
            Juror.declaration_completed_at,
            Juror.challenges,
        )
        .where(Juror.call == call_id)
        .output(load_json=True)
    )
    named = await titles(call_id)
    for row in rows:
        row["challenge_ids"] = [str(c) for c in row["challenges"] or []]
        row["challenges"] = [named[c] for c in row["challenge_ids"] if c in named]
    return rows


async def jurors_with_progress(call: dict) -> list[dict]:
    """Every juror of the call with their assigned and done reviews."""
    jurors = await _jurors(call["id"])
    _count(jurors, await _active_assignments(call["id"]), "user", "juror")
    return jurors


def _per_challenge(named: dict, jurors: list, entries: list, assignments: list) -> list[dict]:
    """Per challenge of the call: its entries, jurors (own and whole-call), done and total."""
    challenge_of = {e["id"]: str(e["challenge"]) for e in entries if e["challenge"]}
    rows = []
    for cid, challenge in named.items():
        mine = [a for a in assignments if challenge_of.get(a["submission"]) == cid]
        rows.append(
            {
                **challenge,
                "entries": sum(1 for e in entries if str(e["challenge"]) == cid),
                "jurors": sum(1 for j in jurors if covers(j["challenge_ids"], cid)),
                "done": sum(1 for a in mine if a["status"] == "done"),
                "total": len(mine),
            }
        )
    return rows


async def jury_overview(call: dict) -> dict:
    """What the staff jury page shows: jurors and entries with progress, named conflicts, totals,
    and on a call with challenges the progress per challenge."""
    jurors = await _jurors(call["id"])
    assignments = await _active_assignments(call["id"])
    _count(jurors, assignments, "user", "juror")
    entries = (
        await Submission.select(
            Submission.id, Submission.reference, Submission.title, Submission.challenge
        )
        .where((Submission.call == call["id"]) & (Submission.status == "submitted"))
        .order_by(Submission.reference)
    )
    _count(entries, assignments, "id", "submission")
    active = await active_conflicts(call["id"])
    names = {j["user"]: j["name"] for j in jurors}
    references = {e["id"]: e["reference"] for e in entries}
    for conflict in active:
        conflict["juror_name"] = names.get(conflict["juror"], "")
        conflict["entry"] = references.get(conflict["submission"], "")
    named = await titles(call["id"])
    for entry in entries:
        entry["challenge_title"] = named.get(str(entry["challenge"]), {}).get("title", "")
    return {
        "jurors": jurors,
        "entries": entries,
        "conflicts": active,
        "challenges": _per_challenge(named, jurors, entries, assignments),
        "done": sum(1 for a in assignments if a["status"] == "done"),
        "total": len(assignments),
    }
