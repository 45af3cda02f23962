"""A review's 0–100 total (challenge/results/scores.py): each criterion mapped over its scale,
weighted; criteria without a score are left out of the weights."""

import pytest

from challenge.results.scores import METHODS, review_total

CRITERIA = [
    {"key": "impact", "weight": 3, "scale_min": 0, "scale_max": 10},
    {"key": "team", "weight": 1, "scale_min": 1, "scale_max": 5},
]


def test_review_total_top_and_bottom_of_every_scale_are_100_and_0():
    assert review_total({"impact": 10, "team": 5}, CRITERIA) == 100
    assert review_total({"impact": 0, "team": 1}, CRITERIA) == 0


def test_review_total_weights_the_criteria():
    assert review_total({"impact": 10, "team": 1}, CRITERIA) == pytest.approx(75)
    assert review_total({"impact": 0, "team": 5}, CRITERIA) == pytest.approx(25)


def test_review_total_leaves_a_missing_criterion_out_of_the_weights():
    assert review_total({"impact": 5}, CRITERIA) == pytest.approx(50)
    assert review_total({"team": 5}, CRITERIA) == pytest.approx(100)


def test_review_total_without_any_scored_criterion_is_zero():
    assert review_total({}, CRITERIA) == 0.0
    assert review_total({"unknown": 3}, CRITERIA) == 0.0


def test_review_total_ignores_scores_for_criteria_not_in_the_rubric():
    assert review_total({"impact": 10, "team": 5, "extra": 0}, CRITERIA) == 100


def test_methods_are_the_four_the_ranking_offers():
    assert METHODS == ("mean", "median", "trimmed", "normalized")
