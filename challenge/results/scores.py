"""What a ranking starts from and what it gives, without numpy (so the portal starts light):
the methods, one review's scores and its 0–100 total, the ranking's results."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import msgspec

from challenge.jury.totals import review_total  # noqa: F401 - the one formula, shown while scoring

METHODS = ("mean", "median", "trimmed", "normalized")


class ReviewScores(msgspec.Struct, frozen=True, gc=False):
    """One final review as a ranking reads it (a Struct: a round loads tens of thousands)."""

    juror: Hashable
    entry: Hashable
    scores: dict[str, float]  # criterion key -> raw score on its scale


class EntryResult(msgspec.Struct):
    """One entry's place in a ranking (a Struct: the cache decodes thousands of them fast)."""

    entry: Hashable
    score: float
    rank: int
    score_low: float
    score_high: float
    rank_low: int
    rank_high: int
    reviews: int
    spread: float
    sd: float
    cutoff_unstable: bool = False


@dataclass
class Ranking:
    method: str
    entries: list[EntryResult]
    alpha: float | None
    per_criterion: dict[str, float | None]
    leniency: dict[Hashable, float | None]
    raw_only_jurors: list[Hashable] = field(default_factory=list)
