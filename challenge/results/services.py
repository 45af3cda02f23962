"""Ranking a round from its final reviews (recused reviews never count)."""

from __future__ import annotations

import asyncio

from challenge.jury.services import round_of
from challenge.jury.tables import Review
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem
from challenge.results.ranking import METHODS, Ranking, ReviewScores, rank
from challenge.submissions.tables import Submission


async def ranking_for(call: dict, *, number: int = 1, method: str = "mean") -> tuple[Ranking, dict]:
    """The ranking of a round and the submissions' references and titles."""
    if method not in METHODS:
        raise Problem(422, "validation_error", N_("Some fields are missing or invalid."),
                      errors=[FieldError("method", N_("Choose mean, median, trimmed or normalized."))])
    round_ = await round_of(call, number)
    rows = await Review.select(Review.juror, Review.submission, Review.scores).output(load_json=True).where(
        (Review.round == round_["id"]) & (Review.status == "final"))
    reviews = [ReviewScores(r["juror"], r["submission"], r["scores"]) for r in rows]
    # numpy work off the event loop: other requests keep flowing while a big round is ranked
    result = await asyncio.to_thread(rank, reviews, round_["criteria"] or [], method=method,
                                     awards_planned=call["awards_planned"], seed=number)
    titles = {s["id"]: s for s in await Submission.select(Submission.id, Submission.reference, Submission.title).where(
        Submission.id.is_in([e.entry for e in result.entries]))} if result.entries else {}
    return result, titles
