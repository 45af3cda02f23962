"""A call's jury at a glance for staff: each juror's and each entry's assigned and finished
reviews (recused assignments left out), the active conflicts with names and, on a call with
challenges, the progress per challenge and each juror's challenges.

Everything is counted in the database (grouped counts), so the page stays flat as a call grows:
the jurors (a few dozen) are listed in full, the entries one page at a time, filtered in SQL."""

from __future__ import annotations

from uuid import UUID

from piccolo.columns.combination import WhereRaw
from piccolo.query.functions.aggregate import Count

from challenge.jury.conflicts import active_conflicts
from challenge.jury.scope import covers, titles
from challenge.jury.tables import Assignment, Juror, Round
from challenge.platform.pagination import page_within
from challenge.submissions.tables import Submission

PER_PAGE = 50
DEFAULT_REVIEWS_PER_ENTRY = 3  # Round.reviews_per_submission's default
SHOW = ("open", "few")  # entries with reviews still open; with fewer assigned than planned

# the entry's active assignments, from inside a select on submissions (both engines)
_ACTIVE = "FROM assignments a WHERE a.submission = submissions.id AND a.status <> 'recused'"


def _add(tally: dict, key, row: dict) -> None:
    """Adds one grouped row (``n`` assignments of one status) to ``tally[key]``."""
    counts = tally.setdefault(key, {"assigned": 0, "done": 0})
    counts["assigned"] += row["n"]
    if row["status"] == "done":
        counts["done"] += row["n"]


async def _tally(column, where) -> dict:
    """{key: {"assigned": n, "done": m}} of the active assignments that match ``where``, grouped
    by ``column`` (one grouped query)."""
    rows = (
        await Assignment.select(column.as_alias("key"), Assignment.status, Count(alias="n"))
        .where(where & (Assignment.status != "recused"))
        .group_by(column, Assignment.status)
    )
    tally: dict = {}
    for row in rows:
        _add(tally, row["key"], row)
    return tally


async def call_tallies(call_id) -> dict:
    """The call's active assignments counted in one grouped query: ``jurors`` per juror (every
    entry), ``challenges`` per challenge id as text (submitted entries) and ``all``."""
    entry = Assignment.submission
    rows = (
        await Assignment.select(
            Assignment.juror,
            entry.challenge.as_alias("challenge"),
            entry.status.as_alias("entry_status"),
            Assignment.status,
            Count(alias="n"),
        )
        .where((entry.call == call_id) & (Assignment.status != "recused"))
        .group_by(Assignment.juror, entry.challenge, entry.status, Assignment.status)
    )
    tallies: dict = {"jurors": {}, "challenges": {}, "all": {}}
    for row in rows:
        _add(tallies["jurors"], row["juror"], row)
        _add(tallies["all"], None, row)
        if row["challenge"] and row["entry_status"] == "submitted":
            _add(tallies["challenges"], str(row["challenge"]), row)
    return tallies


def _apply(rows: list[dict], tally: dict, key: str) -> None:
    """Sets ``assigned`` and ``done`` on every row from its counts (0 without assignments)."""
    for row in rows:
        counts = tally.get(row[key], {})
        row["assigned"], row["done"] = counts.get("assigned", 0), counts.get("done", 0)


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
    _apply(jurors, (await call_tallies(call["id"]))["jurors"], "user")
    return jurors


async def _per_challenge(call_id, named: dict, jurors: list, tally: dict) -> list[dict]:
    """Per challenge of the call: its submitted entries, jurors (own and whole-call), done and
    total reviews of its submitted entries (``tally`` per challenge, from call_tallies)."""
    if not named:
        return []
    entries = {
        str(row["challenge"]): row["n"]
        for row in await Submission.select(Submission.challenge, Count(alias="n"))
        .where((Submission.call == call_id) & (Submission.status == "submitted"))
        .group_by(Submission.challenge)
    }
    return [
        {
            **challenge,
            "entries": entries.get(cid, 0),
            "jurors": sum(1 for j in jurors if covers(j["challenge_ids"], cid)),
            "done": tally.get(cid, {}).get("done", 0),
            "total": tally.get(cid, {}).get("assigned", 0),
        }
        for cid, challenge in named.items()
    ]


async def reviews_per_entry(call_id) -> int:
    """How many reviews round 1 plans per entry (the last automatic assignment's number)."""
    row = (
        await Round.select(Round.reviews_per_submission)
        .where((Round.call == call_id) & (Round.number == 1))
        .first()
    )
    return row["reviews_per_submission"] if row else DEFAULT_REVIEWS_PER_ENTRY


def entry_filter(call_id, *, challenge_id=None, juror: UUID | None = None, show: str = "", k=0):
    """Which submitted entries the staff table lists: of one challenge, assigned to one juror,
    with reviews still open (``open``) or fewer active assignments than ``k`` (``few``)."""
    where = (Submission.call == call_id) & (Submission.status == "submitted")
    if challenge_id is not None:
        where &= Submission.challenge == challenge_id
    if juror is not None:
        where &= WhereRaw(f"EXISTS (SELECT 1 {_ACTIVE} AND a.juror = {{}})", juror)
    if show == "open":
        where &= WhereRaw(f"EXISTS (SELECT 1 {_ACTIVE} AND a.status <> 'done')")
    elif show == "few":
        where &= WhereRaw(f"(SELECT COUNT(*) {_ACTIVE}) < {{}}", k)
    return where


async def entries_page(call_id, where, page: int, named: dict) -> dict:
    """One page of the entries ``where`` selects, by reference, each with its counts; a page
    past the end shows the last one."""
    total = await Submission.count().where(where)
    page, pages = page_within(page, total, PER_PAGE)
    entries = (
        await Submission.select(
            Submission.id, Submission.reference, Submission.title, Submission.challenge
        )
        .where(where)
        .order_by(Submission.reference)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    ids = [e["id"] for e in entries]
    tally = await _tally(Assignment.submission, Assignment.submission.is_in(ids)) if ids else {}
    _apply(entries, tally, "id")
    for entry in entries:
        entry["challenge_title"] = named.get(str(entry["challenge"]), {}).get("title", "")
    return {"entries": entries, "entry_total": total, "page": page, "pages": pages}


async def _named_conflicts(call_id, jurors: list[dict]) -> list[dict]:
    """The active conflicts with the juror's name and the submitted entry's reference."""
    active = await active_conflicts(call_id)
    ids = list({c["submission"] for c in active})
    references = {
        row["id"]: row["reference"]
        for row in (
            await Submission.select(Submission.id, Submission.reference).where(
                Submission.id.is_in(ids) & (Submission.status == "submitted")
            )
            if ids
            else []
        )
    }
    names = {j["user"]: j["name"] for j in jurors}
    for conflict in active:
        conflict["juror_name"] = names.get(conflict["juror"], "")
        conflict["entry"] = references.get(conflict["submission"], "")
    return active


def _filters(named: dict, jurors: list, challenge: str, juror, show: str) -> dict:
    """The entry filters as given, each dropped when it names nothing on this call."""
    keys = {c["key"]: cid for cid, c in named.items()}
    users = {j["user"] for j in jurors}
    return {
        "challenge": challenge if challenge in keys else "",
        "challenge_id": UUID(keys[challenge]) if challenge in keys else None,
        "juror": juror if juror in users else None,
        "show": show if show in SHOW else "",
    }


async def jury_overview(
    call: dict, *, page: int = 1, challenge: str = "", juror: UUID | None = None, show: str = ""
) -> dict:
    """What the staff jury page shows: every juror with progress, one page of the entries (of a
    challenge, a juror, with open reviews or too few assigned), named conflicts, totals, and on
    a call with challenges the progress per challenge."""
    call_id = call["id"]
    jurors = await _jurors(call_id)
    tallies = await call_tallies(call_id)
    _apply(jurors, tallies["jurors"], "user")
    named = await titles(call_id)
    filters = _filters(named, jurors, challenge, juror, show)
    k = await reviews_per_entry(call_id)
    where = entry_filter(
        call_id,
        challenge_id=filters["challenge_id"],
        juror=filters["juror"],
        show=filters["show"],
        k=k,
    )
    return {
        "jurors": jurors,
        **await entries_page(call_id, where, page, named),
        "filters": filters,
        "reviews_per_entry": k,
        "conflicts": await _named_conflicts(call_id, jurors),
        "challenges": await _per_challenge(call_id, named, jurors, tallies["challenges"]),
        "done": tallies["all"].get(None, {}).get("done", 0),
        "total": tallies["all"].get(None, {}).get("assigned", 0),
    }
