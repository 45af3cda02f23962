"""Ranking a round from its final reviews (recused reviews never count)."""

from __future__ import annotations

import asyncio
from uuid import UUID

import msgspec

from challenge.jury.services import round_of
from challenge.jury.tables import Review
from challenge.platform.accounts.tables import User
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem
from challenge.results.scores import METHODS, ReviewScores, review_total
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


def _uuid(value) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


async def final_reviews(round_: dict) -> list[ReviewScores]:
    """The round's final reviews. Raw SQL with the scores as JSON text, decoded by msgspec:
    for 10,000 reviews this is about four times faster than a select with load_json."""
    rows = await Review.raw(
        "SELECT juror, submission, scores FROM reviews WHERE round = {} AND status = 'final'",
        round_["id"],
    )
    decode = msgspec.json.Decoder(dict[str, float]).decode
    return [
        ReviewScores(
            _uuid(r["juror"]),
            _uuid(r["submission"]),
            decode(r["scores"]) if isinstance(r["scores"], str | bytes) else r["scores"],
        )
        for r in rows
    ]


async def entry_titles(call_id: UUID, ids) -> dict:
    """Reference and title of the given entries of the call, by id."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await Submission.select(Submission.id, Submission.reference, Submission.title).where(
        (Submission.call == call_id) & (Submission.status != "draft")
    )
    return {s["id"]: s for s in rows if s["id"] in wanted}


async def ranking_for(call: dict, *, number: int = 1, method: str = "mean") -> tuple:
    """The ranking of a round (challenge.results.ranking.Ranking) and the submissions' references
    and titles. numpy loads with the first ranking, not with the portal."""
    from challenge.results.ranking import rank

    check_method(method)
    round_ = await round_of(call, number)
    reviews = await final_reviews(round_)
    # numpy work off the event loop: other requests keep flowing while a big round is ranked
    result = await asyncio.to_thread(
        rank,
        reviews,
        round_["criteria"] or [],
        method=method,
        awards_planned=call["awards_planned"],
        seed=number,
    )
    return result, await entry_titles(call["id"], (e.entry for e in result.entries))


async def rankings_for(
    call: dict, *, number: int = 1, methods=("mean", "normalized")
) -> tuple[dict, dict, list, dict]:
    """Several methods over one load of the reviews: {method: Ranking}, titles, the reviews
    with totals, and the round."""
    from challenge.results.ranking import rank

    for method in methods:
        check_method(method)
    round_ = await round_of(call, number)
    reviews = await final_reviews(round_)
    criteria = round_["criteria"] or []

    def compute():
        return {
            m: rank(reviews, criteria, method=m, awards_planned=call["awards_planned"], seed=number)
            for m in methods
        }

    results = await asyncio.to_thread(compute)
    titles = await entry_titles(call["id"], {r.entry for r in reviews})
    rows = [
        {
            "juror": r.juror,
            "submission": r.entry,
            "scores": r.scores,
            "total": review_total(r.scores, criteria),
        }
        for r in reviews
    ]
    return results, titles, rows, round_


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
    results, *_ = await rankings_for(
        call, number=number, methods=(method if method in METHODS else "mean",)
    )
    return [e.entry for e in next(iter(results.values())).entries if e.rank <= count]
