"""Ranking a round from its final reviews (recused reviews never count)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from uuid import UUID

import msgspec

from challenge import db
from challenge.jury.services import round_of
from challenge.jury.tables import Review
from challenge.platform.accounts.tables import User
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem
from challenge.results import cache
from challenge.results.scores import METHODS, Ranking, ReviewScores
from challenge.submissions.tables import Submission


def check_method(method: str) -> None:
    """422 unless the ranking method is one of METHODS."""
    if method not in METHODS:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("method", N_("Choose mean, median, trimmed or normalized."))],
        )


FEW = 500  # entries whose titles are looked up by id rather than over the whole call


async def final_reviews(round_: dict, challenge_id: UUID | None = None) -> list[ReviewScores]:
    """The round's final reviews (only those of one challenge's entries if ``challenge_id``).
    Raw SQL with the scores as JSON text, decoded by msgspec: for 10,000 reviews this is about
    four times faster than a select with load_json."""
    if challenge_id is None:
        rows = await Review.raw(
            "SELECT juror, submission, scores FROM reviews WHERE round = {} AND status = 'final'",
            round_["id"],
        )
    else:
        rows = await Review.raw(
            "SELECT r.juror, r.submission, r.scores FROM reviews r"
            " JOIN submissions s ON s.id = r.submission"
            " WHERE r.round = {} AND r.status = 'final' AND s.challenge = {}",
            round_["id"],
            challenge_id,
        )
    decode = msgspec.json.Decoder(dict[str, float]).decode
    return [
        ReviewScores(
            db.as_uuid(r["juror"]),
            db.as_uuid(r["submission"]),
            decode(r["scores"]) if isinstance(r["scores"], str | bytes) else r["scores"],
        )
        for r in rows
    ]


_EXPORT = (
    "SELECT s.reference AS reference, c.key AS challenge, s.title AS title,"
    " COALESCE(NULLIF(u.name, ''), u.email) AS name, r.juror AS juror, r.scores AS scores"
    " FROM reviews r JOIN submissions s ON s.id = r.submission JOIN users u ON u.id = r.juror"
    " LEFT JOIN challenges c ON c.id = s.challenge"
    " WHERE r.round = {{}} AND r.status = 'final'"
    " ORDER BY COALESCE(s.reference, ''){collate}, COALESCE(NULLIF(u.name, ''), u.email){collate}"
)


async def export_reviews(round_: dict) -> list[tuple]:
    """The round's final reviews as the exports write them, in their order (by reference, then
    juror, in code-point order as Python sorts): (reference, challenge key, title, juror's
    name or address, juror's id, scores)."""
    # PostgreSQL's "C" collation compares bytes: UTF-8's order is the code points' order
    collate = "" if Review._meta.db.engine_type == "sqlite" else ' COLLATE "C"'
    rows = await Review.raw(_EXPORT.format(collate=collate), round_["id"])
    decode = msgspec.json.Decoder(dict[str, float]).decode
    return [
        (
            r["reference"],
            r["challenge"],
            r["title"],
            r["name"],
            db.as_uuid(r["juror"]),
            decode(r["scores"]) if isinstance(r["scores"], str | bytes) else r["scores"],
        )
        for r in rows
    ]


async def entry_titles(call_id: UUID, ids, challenge_id: UUID | None = None) -> dict:
    """Reference, title and challenge key (None on calls without challenges) of the given
    entries of the call (only of one challenge's entries if ``challenge_id``), by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    query = Submission.select(
        Submission.id,
        Submission.reference,
        Submission.title,
        Submission.challenge.key.as_alias("challenge"),
    ).where((Submission.call == call_id) & (Submission.status != "draft"))
    if challenge_id is not None:
        query = query.where(Submission.challenge == challenge_id)
    if len(wanted) <= FEW:  # a page of entries: only those rows
        query = query.where(Submission.id.is_in(list(wanted)))
    return {s["id"]: s for s in await query if s["id"] in wanted}


@dataclass
class Rankings:
    """A round's rankings by method, its jurors' statistics (``cache.JurorStats``) and the round."""

    results: dict[str, Ranking]
    jurors: list
    round: dict


async def _compute(scope: cache.Scope, methods: list[str], mark: str) -> dict:
    """Rank the round by the methods over one load of its reviews, off the event loop (other
    requests keep flowing while a big round is ranked); store each; {method: (Ranking, jurors)}.
    numpy loads with the first computation, not with the portal."""
    from challenge.results.ranking import juror_statistics, rank

    reviews = await final_reviews(scope.round, scope.challenge["id"] if scope.challenge else None)
    criteria = scope.round["criteria"] or []

    def compute() -> tuple[dict, dict]:
        jurors = [cache.JurorStats(*row) for row in juror_statistics(reviews, criteria)]
        done = {
            m: (
                rank(
                    reviews,
                    criteria,
                    method=m,
                    awards_planned=scope.planned,
                    seed=scope.round["number"],
                ),
                jurors,
            )
            for m in methods
        }
        return done, {m: cache.encode(*pair) for m, pair in done.items()}

    done, payloads = await asyncio.to_thread(compute)
    cache.counted(len(methods))
    for method in methods:
        await cache.store(scope, method, mark, payloads[method])
    return done


async def rankings_of(
    call: dict, *, number: int = 1, methods=("mean",), challenge: dict | None = None
) -> Rankings:
    """The round's rankings by the methods (over one challenge's entries, the cut-off at its
    places, with ``challenge``): from the database cache while their inputs' fingerprint holds
    (``results.cache``), else computed once and stored for every replica."""
    methods = tuple(dict.fromkeys(methods))
    for method in methods:
        check_method(method)
    scope = cache.Scope(call, await round_of(call, number), challenge)
    mark = await cache.fingerprint(scope)  # before the reviews are read: never a stale ranking
    stored = await cache.load(scope, methods, mark)
    missing = [m for m in methods if m not in stored]
    done = await _compute(scope, missing, mark) if missing else {}
    done.update({m: cache.decode(payload) for m, payload in stored.items()})
    return Rankings(
        {m: done[m][0] for m in methods}, done[methods[0]][1] if methods else [], scope.round
    )


async def ranking_for(
    call: dict, *, number: int = 1, method: str = "mean", challenge: dict | None = None
) -> tuple:
    """The ranking of a round (``results.scores.Ranking``) and the submissions' references and
    titles; with ``challenge`` over that challenge's entries only, the cut-off at its places."""
    ranked = await rankings_of(call, number=number, methods=(method,), challenge=challenge)
    result = ranked.results[method]
    return result, await entry_titles(
        call["id"], (e.entry for e in result.entries), challenge["id"] if challenge else None
    )


async def juror_names(ids) -> dict[UUID, str]:
    """Each user's name (or address when no name is set), by id."""
    ids = list(ids)
    if not ids:
        return {}
    return {
        u["id"]: u["name"] or u["email"]
        for u in await User.select(User.id, User.name, User.email).where(User.id.is_in(ids))
    }


async def top_of_ranking(call: dict, *, number: int, method: str, count: int) -> list[UUID]:
    """The entries ranked ``count`` or better in a round by the method (unknown methods: mean)."""
    method = method if method in METHODS else "mean"
    ranked = await rankings_of(call, number=number, methods=(method,))
    return [e.entry for e in ranked.results[method].entries if e.rank <= count]
