"""Rankings against hand-computed small cases; bootstrap reproducibility; alpha; leniency."""

import krippendorff
import numpy as np
import pytest

from challenge.results.ranking import ReviewScores, rank, review_total

CRITERIA = [
    {"key": "impact", "weight": 3, "scale_min": 0, "scale_max": 10},
    {"key": "team", "weight": 1, "scale_min": 1, "scale_max": 5},
]


def reviews_from(table):
    """{(juror, entry): (impact, team)} → ReviewScores."""
    return [ReviewScores(j, e, {"impact": i, "team": t}) for (j, e), (i, t) in table.items()]


def test_review_total_maps_each_criterion_to_its_scale_and_weights_it():
    assert review_total({"impact": 10, "team": 5}, CRITERIA) == 100
    assert review_total({"impact": 0, "team": 1}, CRITERIA) == 0
    assert review_total({"impact": 5, "team": 3}, CRITERIA) == pytest.approx(50)
    assert review_total({"impact": 10, "team": 1}, CRITERIA) == pytest.approx(75)


def test_mean_median_trimmed_by_hand():
    # entry A: totals 100, 75, 50, 0 ; entry B: 50 (a single review)
    table = {
        ("j1", "A"): (10, 5),
        ("j2", "A"): (10, 1),
        ("j3", "A"): (5, 3),
        ("j4", "A"): (0, 1),
        ("j1", "B"): (5, 3),
    }
    by_method = {
        m: {r.entry: r for r in rank(reviews_from(table), CRITERIA, method=m).entries}
        for m in ("mean", "median", "trimmed")
    }
    assert by_method["mean"]["A"].score == pytest.approx(56.25)
    assert by_method["median"]["A"].score == pytest.approx(62.5)
    assert by_method["trimmed"]["A"].score == pytest.approx(62.5)  # drops 100 and 0
    assert by_method["mean"]["B"].score == pytest.approx(50) and by_method["mean"]["B"].reviews == 1
    a = by_method["mean"]["A"]
    assert a.spread == 100 and a.sd == pytest.approx(np.std([100, 75, 50, 0], ddof=1), abs=0.01)
    assert by_method["mean"]["B"].sd == 0


def test_ties_share_the_better_rank():
    table = {("j1", "A"): (5, 3), ("j1", "B"): (5, 3), ("j1", "C"): (0, 1)}
    ranks = {r.entry: r.rank for r in rank(reviews_from(table), CRITERIA).entries}
    assert ranks == {"A": 1, "B": 1, "C": 3}


def test_normalized_turns_each_jurors_totals_into_z_scores():
    # j1 is harsh, j2 lenient; both see A and B and C, so the order survives, the offsets go
    table = {
        ("j1", "A"): (2, 1),
        ("j1", "B"): (4, 1),
        ("j1", "C"): (6, 1),
        ("j2", "A"): (6, 1),
        ("j2", "B"): (8, 1),
        ("j2", "C"): (10, 1),
    }
    result = rank(reviews_from(table), CRITERIA, method="normalized")
    scores = {r.entry: r.score for r in result.entries}
    assert scores["A"] < scores["B"] < scores["C"]
    totals = [review_total({"impact": i, "team": t}, CRITERIA) for i, t in table.values()]
    assert np.mean(list(scores.values())) == pytest.approx(np.mean(totals), abs=0.01)
    assert result.raw_only_jurors == []


def test_jurors_with_few_reviews_keep_raw_scores_and_all_equal_scores_map_to_the_mean():
    table = {
        ("few", "A"): (10, 5),
        ("few", "B"): (0, 1),
        ("flat", "A"): (5, 3),
        ("flat", "B"): (5, 3),
        ("flat", "C"): (5, 3),
    }
    result = rank(reviews_from(table), CRITERIA, method="normalized")
    assert result.raw_only_jurors == ["few"]
    panel = np.mean([100, 0, 50, 50, 50])
    scores = {r.entry: r.score for r in result.entries}
    assert scores["C"] == pytest.approx(panel, abs=0.01)  # only the flat juror: z = 0 → panel mean


def test_bootstrap_is_reproducible_for_a_seed_and_brackets_the_score():
    rng = np.random.default_rng(1)
    table = {
        (f"j{j}", f"e{e}"): (int(rng.integers(0, 11)), int(rng.integers(1, 6)))
        for e in range(12)
        for j in range(4)
    }
    first = rank(reviews_from(table), CRITERIA, seed=7, awards_planned=3)
    second = rank(reviews_from(table), CRITERIA, seed=7, awards_planned=3)
    other = rank(reviews_from(table), CRITERIA, seed=8, awards_planned=3)
    assert [(r.score_low, r.score_high, r.rank_low, r.rank_high) for r in first.entries] == [
        (r.score_low, r.score_high, r.rank_low, r.rank_high) for r in second.entries
    ]
    assert [(r.score_low, r.score_high) for r in first.entries] != [
        (r.score_low, r.score_high) for r in other.entries
    ]
    for r in first.entries:
        assert r.score_low <= r.score <= r.score_high and r.rank_low <= r.rank_high
        assert r.cutoff_unstable == (r.rank_low <= 3 < r.rank_high)


def test_alpha_matches_the_krippendorff_package():
    table = {
        ("j1", "A"): (10, 5),
        ("j2", "A"): (9, 5),
        ("j1", "B"): (2, 1),
        ("j2", "B"): (3, 2),
        ("j1", "C"): (6, 3),
        ("j3", "C"): (5, 3),
    }
    result = rank(reviews_from(table), CRITERIA)
    totals = {k: review_total({"impact": i, "team": t}, CRITERIA) for k, (i, t) in table.items()}
    matrix = np.full((3, 3), np.nan)
    for (juror, entry), value in totals.items():
        matrix["j1 j2 j3".split().index(juror), "ABC".index(entry)] = value
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert result.alpha == pytest.approx(expected, abs=0.001)
    impact = np.full((3, 3), np.nan)
    for (juror, entry), (i, _t) in table.items():
        impact["j1 j2 j3".split().index(juror), "ABC".index(entry)] = i
    assert result.per_criterion["impact"] == pytest.approx(
        krippendorff.alpha(reliability_data=impact, level_of_measurement="interval"), abs=0.001
    )


def test_a_juror_who_always_scores_twenty_points_higher_is_lenient():
    table = {}
    for n, entry in enumerate("ABCD"):
        table[("normal", entry)] = (n * 2, 1)  # totals 0, 15, 30, 45
        table[("generous", entry)] = (n * 2 + 2, 1)  # 2 impact points ≈ +15 … always higher
        table[("third", entry)] = (n * 2, 1)
    leniency = rank(reviews_from(table), CRITERIA).leniency
    assert leniency["generous"] > 10 and leniency["normal"] < 0 and leniency["third"] < 0


def test_a_single_review_has_no_spread_and_an_empty_round_is_empty():
    result = rank(reviews_from({("j1", "A"): (7, 4)}), CRITERIA)
    assert (
        result.entries[0].spread == 0
        and result.entries[0].score_low == result.entries[0].score_high
    )
    assert rank([], CRITERIA).entries == []


def test_missing_criteria_are_left_out_of_the_weights():
    assert review_total({"impact": 5}, CRITERIA) == pytest.approx(50)
    assert review_total({}, CRITERIA) == 0
    table = [
        ReviewScores("j1", "A", {"impact": 10}),
        ReviewScores("j2", "A", {"impact": 10, "team": 1}),
    ]
    assert rank(table, CRITERIA).entries[0].score == pytest.approx(87.5)


def test_closed_form_alpha_equals_the_krippendorff_package_with_missing_values():
    from challenge.results.ranking import interval_alpha

    rng = np.random.default_rng(3)
    for _ in range(5):
        matrix = rng.uniform(0, 100, size=(6, 15)).round(1)
        matrix[rng.random(matrix.shape) < 0.4] = np.nan
        expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
        assert interval_alpha(matrix) == pytest.approx(expected, abs=1e-9)


def test_the_parallel_bootstrap_of_a_big_round_is_reproducible_and_brackets_the_score():
    from challenge.results import ranking

    rng = np.random.default_rng(5)
    reviews = [
        ReviewScores(
            f"j{(e * 3 + k) % 40}", f"e{e:03d}", {"impact": int(rng.integers(0, 11)), "team": 3}
        )
        for e in range(300)
        for k in range(3)
    ]
    assert 300 * ranking.RESAMPLES >= ranking.PARALLEL_FROM  # this round takes the threaded path
    first, second = rank(reviews, CRITERIA, seed=11), rank(reviews, CRITERIA, seed=11)
    assert [(r.score_low, r.score_high, r.rank_low, r.rank_high) for r in first.entries] == [
        (r.score_low, r.score_high, r.rank_low, r.rank_high) for r in second.entries
    ]
    for r in first.entries:
        assert r.score_low <= r.score <= r.score_high and 1 <= r.rank_low <= r.rank_high <= 300
