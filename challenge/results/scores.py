"""What a ranking starts from, without numpy (so the portal starts light): the methods, one
review's scores and its 0–100 total."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

METHODS = ("mean", "median", "trimmed", "normalized")


@dataclass(frozen=True)
class ReviewScores:
    juror: Hashable
    entry: Hashable
    scores: dict[str, float]  # criterion key -> raw score on its scale


def review_total(scores: dict[str, float], criteria: list[dict]) -> float:
    """0–100: each criterion mapped to 0–1 over its scale, weighted; a criterion the review has
    no score for is left out of the weights rather than counted as zero."""
    present = [c for c in criteria if c["key"] in scores]
    weight = sum(c["weight"] for c in present)
    if not weight:
        return 0.0
    total = sum(
        c["weight"] * (scores[c["key"]] - c["scale_min"]) / (c["scale_max"] - c["scale_min"])
        for c in present
    )
    return 100.0 * total / weight
