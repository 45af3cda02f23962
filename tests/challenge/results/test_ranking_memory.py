"""The bootstrap's memory is bounded: a city's round (5,000 entries x 5 reviews, 1,000
resamples) allocates one float32 array of resamples x entries and small working blocks, not
the (reviews, resamples, entries) cube; a small round draws the same numbers as before."""

import tracemalloc

import numpy as np

from challenge.results import ranking
from challenge.results.ranking import ReviewScores, rank

CRITERIA = [
    {"key": "impact", "weight": 3, "scale_min": 0, "scale_max": 10},
    {"key": "team", "weight": 1, "scale_min": 1, "scale_max": 5},
]


def city_round(entries: int = 5000, per_entry: int = 5, jurors: int = 60) -> list[ReviewScores]:
    rng = np.random.default_rng(1)
    quality = rng.uniform(2, 9, size=entries)
    return [
        ReviewScores(
            f"j{(e * per_entry + k) % jurors}",
            f"e{e:05d}",
            {
                "impact": int(np.clip(round(quality[e] + rng.normal(0, 1.5)), 0, 10)),
                "team": int(rng.integers(1, 6)),
            },
        )
        for e in range(entries)
        for k in range(per_entry)
    ]


def test_the_bootstrap_of_a_city_round_stays_within_30_mb():
    reviews = city_round()
    rank(reviews[:50], CRITERIA)  # imports and first-call caches outside the measurement
    for method in ("mean", "median"):
        tracemalloc.start()
        try:
            result = rank(reviews, CRITERIA, method=method, awards_planned=20)
            current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert (peak - current) / 2**20 <= 30, f"{method}: {(peak - current) / 2**20:.1f} MB"
        assert len(result.entries) == 5000
        assert all(
            e.score_low <= e.score_high and 1 <= e.rank_low <= e.rank_high <= 5000
            for e in result.entries
        )


def test_blocks_change_nothing_for_a_small_round():
    """One block holds a small round: its draws equal the single array drawn before blocks."""
    reviews = city_round(entries=30, per_entry=4, jurors=8)
    groups_of = ranking._entry_statistics
    juror_ids, entry_ids, jurors, entries, _raw, totals = ranking._matrix(reviews, CRITERIA)
    _stats, groups = groups_of(totals, jurors, entries, len(entry_ids), "mean")
    (_indexes, matrix), *_ = groups
    count = matrix.shape[1]
    picks = np.random.default_rng(4).integers(0, count, size=(count, 1000, 30), dtype=np.uint8)
    expected = np.ascontiguousarray(matrix.T)[picks, np.arange(30)[None, None, :]].sum(0) / count
    got = ranking._bootstrap(matrix, method="mean", rng=np.random.default_rng(4), resamples=1000)
    assert np.array_equal(got, expected.astype(np.float32))


def test_the_seeded_parts_do_not_depend_on_the_cores(monkeypatch):
    reviews = city_round(entries=300, per_entry=3, jurors=40)
    two = rank(reviews, CRITERIA, seed=5)
    monkeypatch.setattr(ranking, "THREADS", 1)
    one = rank(reviews, CRITERIA, seed=5)
    assert one.entries == two.entries
