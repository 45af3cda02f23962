"""The score exports' totals (``exports.totals_of``, the fast path scores.xlsx and scores.csv
take) are ``review_total``'s, float for float, for every kind of review; a round with more
reviews than a sheet holds gets 413 too_many_rows from scores.xlsx (scores.csv has them)."""

from __future__ import annotations

import random

from challenge.jury.totals import review_total
from challenge.results import xlsx
from challenge.results.exports import totals_of
from tests.challenge.results.test_results import judged_call, staff  # noqa: F401
from tests.challenge.results.test_xlsx_download import open_temporary_files

CRITERIA = [
    {"key": "impact", "weight": 3, "scale_min": 0, "scale_max": 10},
    {"key": "team", "weight": 2, "scale_min": 1, "scale_max": 5},
    {"key": "cost", "weight": 0.5, "scale_min": 0, "scale_max": 7},
]


def review(scores: dict) -> tuple:
    """A review as the exports hold it (reference, challenge, title, name, juror, scores)."""
    return ("SCC-1", None, "Titel", "Juror", None, scores)


def test_totals_are_review_totals_for_every_kind_of_review():
    rng = random.Random(25)
    reviews = [
        review({"impact": float(rng.randint(0, 10)), "team": rng.randint(1, 5), "cost": 3.5})
        for _ in range(500)
    ]
    reviews += [
        review({"impact": 7.0, "team": 4.0}),  # a criterion without a score
        review({"impact": 11.0, "team": 4.0, "cost": 1.0}),  # off the scale
        review({"impact": True, "team": 4.0, "cost": 1.0}),  # a boolean is no score
        review({"impact": "7", "team": 4.0, "cost": 1.0}),  # nor is text
        review({"impact": 0.1, "team": 1.3, "cost": 6.9}),
        review({}),
    ]
    assert totals_of(reviews, CRITERIA) == [review_total(r[-1], CRITERIA) for r in reviews]


def test_totals_without_weights_are_zero_like_review_total():
    weightless = [{**c, "weight": 0} for c in CRITERIA]
    reviews = [review({"impact": 5.0, "team": 3.0, "cost": 2.0})]
    assert totals_of(reviews, weightless) == [0.0] == [review_total(reviews[0][-1], weightless)]


async def test_a_round_with_more_reviews_than_a_sheet_holds_is_refused(app, staff, monkeypatch):  # noqa: F811
    call, _items, _ = await judged_call(entries=3, jurors=2)  # 6 reviews
    monkeypatch.setattr(xlsx, "MAX_ROWS", 6)  # (Excel's 1,048,576 with a round of 6 reviews)
    before = open_temporary_files()
    response = await staff.get(f"/api/v1/calls/{call['slug']}/scores.xlsx")
    assert response.status_code == 413 and response.json()["code"] == "too_many_rows"
    assert response.json()["use"] == "scores.csv" and open_temporary_files() - before == set()
    monkeypatch.setattr(xlsx, "MAX_ROWS", 7)  # the header and 6 reviews: just within
    assert (await staff.get(f"/api/v1/calls/{call['slug']}/scores.xlsx")).status_code == 200
