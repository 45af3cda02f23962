"""Ranking computation for 2,000 entries x 60 jurors x 5 reviews x 6 criteria, every method,
with the bootstrap (1,000 resamples) and reliability. Run: python -m tests.benchmarks.ranking

This measures the computation alone; the API adds reading the reviews from the database."""

from __future__ import annotations

import random
import time

from challenge.results.ranking import METHODS, ReviewScores, rank


def main() -> None:
    criteria = [{"key": f"c{i}", "weight": 1 + i % 3, "scale_min": 0, "scale_max": 10} for i in range(6)]
    rng = random.Random(2026)
    reviews = [ReviewScores(f"j{(e * 5 + k) % 60}", f"e{e}", {c["key"]: rng.randint(0, 10) for c in criteria})
               for e in range(2000) for k in range(5)]
    rank(reviews[:50], criteria)  # warm up numpy and krippendorff
    for method in METHODS:
        started = time.perf_counter()
        rank(reviews, criteria, method=method, awards_planned=10)
        print(f"{method:>10}: {(time.perf_counter() - started) * 1000:.0f} ms   target <= 500 ms (API, PostgreSQL)")


if __name__ == "__main__":
    main()
