"""Ranking computation for 2,000 entries x 60 jurors x 5 reviews x 6 criteria, every method,
with the bootstrap (1,000 resamples) and reliability. Run: python -m tests.benchmarks.ranking

This measures the computation alone (median of 5 runs); tests/benchmarks/ranking_api.py measures
the API end to end, which adds reading the reviews from the database."""

from __future__ import annotations

import random
import statistics
import time

from challenge.results.ranking import METHODS, ReviewScores, rank


def main() -> None:
    criteria = [
        {"key": f"c{i}", "weight": 1 + i % 3, "scale_min": 0, "scale_max": 10} for i in range(6)
    ]
    rng = random.Random(2026)
    reviews = [
        ReviewScores(
            f"j{(e * 5 + k) % 60}", f"e{e}", {c["key"]: rng.randint(0, 10) for c in criteria}
        )
        for e in range(2000)
        for k in range(5)
    ]
    rank(reviews[:50], criteria)  # warm up numpy and krippendorff
    for method in METHODS:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            rank(reviews, criteria, method=method, awards_planned=10)
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"{method:>10}: {statistics.median(times):.0f} ms   (computation; the API's target is <= 500 ms)"
        )


if __name__ == "__main__":
    main()
