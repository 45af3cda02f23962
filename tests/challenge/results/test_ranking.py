"""Ranking rules (challenge/results/ranking.py) on hand-computed small rounds: aggregation per
method, ties, missing scores, normalisation, intervals and the award cut-off, leniency, alpha.
Pure numpy; no database. (tests/challenge/results/test_http_ranking.py holds the larger cases.)"""

import numpy as np
import pytest

from challenge.results.ranking import (
    MIN_REVIEWS_FOR_NORMALISING,
    ReviewScores,
    interval_alpha,
    rank,
)

# one criterion on 0–10: a review's total is ten times its score
CRITERIA = [{"key": "q", "weight": 1, "scale_min": 0, "scale_max": 10}]


def reviews(table: dict) -> list[ReviewScores]:
    """{(juror, entry): score} → reviews with one criterion."""
    return [ReviewScores(juror, entry, {"q": score}) for (juror, entry), score in table.items()]


def scores_by_entry(result) -> dict:
    return {e.entry: e.score for e in result.entries}


def test_rank_an_unknown_method_is_refused():
    with pytest.raises(ValueError):
        rank(reviews({("j", "A"): 5}), CRITERIA, method="random")


def test_rank_without_reviews_is_empty():
    result = rank([], CRITERIA, method="median")
    assert (
        result.method == "median"
        and result.entries == []
        and result.alpha is None
        and result.leniency == {}
    )


def test_rank_mean_of_the_totals():
    result = rank(reviews({("a", "A"): 2, ("b", "A"): 6, ("c", "A"): 7}), CRITERIA)
    assert scores_by_entry(result) == {"A": pytest.approx(50.0)}


def test_rank_median_of_an_even_count_is_the_middle_pair_mean():
    result = rank(
        reviews({("a", "A"): 1, ("b", "A"): 2, ("c", "A"): 6, ("d", "A"): 9}),
        CRITERIA,
        method="median",
    )
    assert scores_by_entry(result) == {"A": pytest.approx(40.0)}


def test_rank_trimmed_drops_highest_and_lowest_from_four_reviews():
    table = {("a", "A"): 0, ("b", "A"): 4, ("c", "A"): 6, ("d", "A"): 10}
    assert scores_by_entry(rank(reviews(table), CRITERIA, method="trimmed")) == {
        "A": pytest.approx(50.0)
    }


def test_rank_trimmed_with_fewer_than_four_reviews_is_the_mean():
    table = {("a", "A"): 0, ("b", "A"): 3, ("c", "A"): 9}
    assert scores_by_entry(rank(reviews(table), CRITERIA, method="trimmed")) == {
        "A": pytest.approx(40.0)
    }


def test_rank_ties_share_the_better_rank_and_list_in_id_order():
    table = {("j", "B"): 5, ("j", "A"): 5, ("j", "C"): 9, ("j", "D"): 1}
    result = rank(reviews(table), CRITERIA)
    assert [(e.entry, e.rank) for e in result.entries] == [("C", 1), ("A", 2), ("B", 2), ("D", 4)]


def test_rank_counts_the_reviews_and_their_spread_per_entry():
    result = rank(reviews({("a", "A"): 2, ("b", "A"): 8, ("a", "B"): 5}), CRITERIA)
    by_entry = {e.entry: e for e in result.entries}
    assert (by_entry["A"].reviews, by_entry["A"].spread) == (2, 60.0)
    assert (by_entry["B"].reviews, by_entry["B"].spread, by_entry["B"].sd) == (1, 0.0, 0.0)


def test_rank_a_missing_criterion_score_is_left_out_of_the_weights():
    criteria = [
        {"key": "q", "weight": 1, "scale_min": 0, "scale_max": 10},
        {"key": "r", "weight": 1, "scale_min": 0, "scale_max": 10},
    ]
    result = rank(
        [ReviewScores("j", "A", {"q": 8}), ReviewScores("j", "B", {"q": 8, "r": 0})], criteria
    )
    assert scores_by_entry(result) == {"A": pytest.approx(80.0), "B": pytest.approx(40.0)}


def test_rank_normalised_leaves_jurors_with_few_reviews_raw():
    table = {("few", "A"): 9, **{("many", e): s for e, s in zip("ABC", (2, 5, 8), strict=True)}}
    result = rank(reviews(table), CRITERIA, method="normalized")
    assert MIN_REVIEWS_FOR_NORMALISING == 3
    assert result.raw_only_jurors == ["few"]


def test_rank_normalised_removes_a_constant_offset_between_jurors():
    # the lenient juror scores every entry two points higher: normalised, both agree exactly
    harsh = {("harsh", e): s for e, s in zip("ABC", (1, 3, 5), strict=True)}
    lenient = {("lenient", e): s + 2 for (_j, e), s in harsh.items()}
    result = rank(reviews({**harsh, **lenient}), CRITERIA, method="normalized")
    assert all(e.spread == 0 for e in result.entries)
    assert [e.entry for e in result.entries] == ["C", "B", "A"]


def test_rank_is_reproducible_for_a_seed():
    table = {
        (j, e): (3 * i + 5 * k) % 11 for i, j in enumerate("abc") for k, e in enumerate("ABCDE")
    }
    first = rank(reviews(table), CRITERIA, seed=7, resamples=200)
    again = rank(reviews(table), CRITERIA, seed=7, resamples=200)
    assert first.entries == again.entries


def test_rank_intervals_bracket_the_score():
    table = {
        (j, e): s
        for e, base in zip("ABC", (2, 5, 8), strict=True)
        for j, s in zip("abcd", (base - 1, base, base + 1, base), strict=True)
    }
    for entry in rank(reviews(table), CRITERIA, resamples=300).entries:
        assert entry.score_low <= entry.score <= entry.score_high
        assert entry.rank_low <= entry.rank_high


def test_rank_marks_entries_whose_interval_straddles_the_award_cutoff():
    # B and C are close and noisy: one award makes their places unstable, A is clearly first
    table = {
        ("a", "A"): 10,
        ("b", "A"): 10,
        ("a", "B"): 3,
        ("b", "B"): 8,
        ("a", "C"): 8,
        ("b", "C"): 3,
        ("a", "D"): 0,
        ("b", "D"): 0,
    }
    by_entry = {
        e.entry: e for e in rank(reviews(table), CRITERIA, awards_planned=2, resamples=300).entries
    }
    assert by_entry["B"].cutoff_unstable and by_entry["C"].cutoff_unstable
    assert not by_entry["A"].cutoff_unstable and not by_entry["D"].cutoff_unstable


def test_rank_without_awards_planned_marks_nothing_unstable():
    table = {("a", "B"): 3, ("b", "B"): 8, ("a", "C"): 8, ("b", "C"): 3}
    assert not any(e.cutoff_unstable for e in rank(reviews(table), CRITERIA).entries)


def test_rank_leniency_is_the_mean_offset_from_the_others_on_shared_entries():
    table = {
        ("kind", "A"): 7,
        ("strict", "A"): 5,
        ("kind", "B"): 9,
        ("strict", "B"): 7,
        ("alone", "C"): 5,
    }
    leniency = rank(reviews(table), CRITERIA).leniency
    assert leniency == {"alone": None, "kind": pytest.approx(20.0), "strict": pytest.approx(-20.0)}


def test_rank_alpha_needs_two_jurors_and_two_entries():
    assert rank(reviews({("a", "A"): 5, ("a", "B"): 7}), CRITERIA).alpha is None
    assert rank(reviews({("a", "A"): 5, ("b", "A"): 7}), CRITERIA).alpha is None


def test_rank_alpha_is_one_when_jurors_agree_exactly():
    table = {(j, e): s for j in "ab" for e, s in zip("ABC", (2, 5, 9), strict=True)}
    result = rank(reviews(table), CRITERIA)
    assert result.alpha == 1.0 and result.per_criterion == {"q": 1.0}


def test_interval_alpha_without_pairable_values_is_none():
    assert interval_alpha(np.array([[1.0, np.nan], [np.nan, 2.0]])) is None
