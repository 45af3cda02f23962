"""What a ranking starts from, without numpy (so the portal starts light): the methods, one
review's scores and its 0–100 total."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from challenge.jury.totals import review_total  # noqa: F401 - the one formula, shown while scoring

METHODS = ("mean", "median", "trimmed", "normalized")


@dataclass(frozen=True)
class ReviewScores:
    juror: Hashable
    entry: Hashable
    scores: dict[str, float]  # criterion key -> raw score on its scale
