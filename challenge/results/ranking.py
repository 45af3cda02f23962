"""Rankings from final reviews: four methods, a seeded bootstrap for score and rank intervals,
disagreement, Krippendorff's alpha and per-juror leniency. Pure numpy; no database here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field

import krippendorff
import numpy as np

METHODS = ("mean", "median", "trimmed", "normalized")
MIN_REVIEWS_FOR_NORMALISING = 3
RESAMPLES = 1000


@dataclass(frozen=True)
class ReviewScores:
    juror: Hashable
    entry: Hashable
    scores: dict[str, float]  # criterion key -> raw score on its scale


@dataclass
class EntryResult:
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


def review_total(scores: dict[str, float], criteria: list[dict]) -> float:
    """0–100: each criterion mapped to 0–1 over its scale, weighted; a criterion the review has
    no score for is left out of the weights rather than counted as zero."""
    present = [c for c in criteria if c["key"] in scores]
    weight = sum(c["weight"] for c in present)
    if not weight:
        return 0.0
    total = sum(c["weight"] * (scores[c["key"]] - c["scale_min"]) / (c["scale_max"] - c["scale_min"])
                for c in present)
    return 100.0 * total / weight


def _trimmed(values: np.ndarray, axis: int = -1) -> np.ndarray:
    """Mean without the highest and the lowest value when there are at least four."""
    n = values.shape[axis]
    if n < 4:
        return values.mean(axis=axis)
    ordered = np.sort(values, axis=axis)
    return np.take(ordered, range(1, n - 1), axis=axis).mean(axis=axis)


def _aggregate(values: np.ndarray, method: str, axis: int = -1) -> np.ndarray:
    if method == "median":
        return np.median(values, axis=axis)
    if method == "trimmed":
        return _trimmed(values, axis=axis)
    return values.mean(axis=axis)


def _normalised_totals(totals: dict[tuple, float]) -> tuple[dict[tuple, float], list]:
    """Each juror's totals as z-scores, mapped back with the panel's mean and SD; jurors with
    fewer than three reviews keep their raw totals."""
    if not totals:
        return {}, []
    by_juror = defaultdict(list)
    for (juror, _entry), total in totals.items():
        by_juror[juror].append(total)
    panel = np.array(list(totals.values()))
    panel_mean, panel_sd = panel.mean(), panel.std()
    adjusted, raw_only = {}, []
    for (juror, entry), total in totals.items():
        values = np.array(by_juror[juror])
        if len(values) < MIN_REVIEWS_FOR_NORMALISING:
            adjusted[(juror, entry)] = total
            if juror not in raw_only:
                raw_only.append(juror)
            continue
        sd = values.std()
        z = 0.0 if sd == 0 else (total - values.mean()) / sd
        adjusted[(juror, entry)] = float(panel_mean + z * panel_sd)
    return adjusted, raw_only


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Competition ranks per row: highest score rank 1, ties share the best rank (1, 1, 3)."""
    rows = np.atleast_2d(scores)
    ordered = np.sort(rows, axis=1)
    n = rows.shape[1]
    ranks = np.empty(rows.shape, dtype=np.int64)
    for i in range(rows.shape[0]):  # rank = 1 + how many score strictly higher
        ranks[i] = n - np.searchsorted(ordered[i], rows[i], side="right") + 1
    return ranks if scores.ndim == 2 else ranks[0]


def rank(reviews: list[ReviewScores], criteria: list[dict], *, method: str = "mean", awards_planned: int | None = None,
         seed: int = 2026, resamples: int = RESAMPLES) -> Ranking:
    """Everything the ranking page and API show, for final, unrecused reviews."""
    if method not in METHODS:
        raise ValueError(method)
    totals = {(r.juror, r.entry): review_total(r.scores, criteria) for r in reviews}
    raw_only: list = []
    values = totals
    if method == "normalized":
        values, raw_only = _normalised_totals(totals)
    per_entry: dict = defaultdict(list)
    for (_juror, entry), value in sorted(values.items(), key=lambda item: (str(item[0][1]), str(item[0][0]))):
        per_entry[entry].append(value)
    entries = sorted(per_entry, key=str)
    if not entries:
        return Ranking(method, [], None, {}, {}, raw_only)
    aggregation = "mean" if method == "normalized" else method
    scores = np.array([_aggregate(np.array(per_entry[e]), aggregation) for e in entries])

    # Bootstrap: resample each entry's reviews with replacement, grouped by review count.
    rng = np.random.default_rng(seed)
    boot = np.empty((resamples, len(entries)))
    by_count = defaultdict(list)
    for index, entry in enumerate(entries):
        by_count[len(per_entry[entry])].append(index)
    for count, indexes in by_count.items():
        matrix = np.array([per_entry[entries[i]] for i in indexes])  # (E_n, n)
        picks = rng.integers(0, count, size=(resamples, len(indexes), count))
        sampled = np.take_along_axis(np.broadcast_to(matrix, (resamples, *matrix.shape)), picks, axis=2)
        boot[:, indexes] = _aggregate(sampled, aggregation, axis=2)
    boot_ranks = _ranks(boot)
    ranks = _ranks(scores)
    score_low, score_high = np.percentile(boot, [5, 95], axis=0)  # 90 % intervals
    rank_low, rank_high = np.percentile(boot_ranks, [5, 95], axis=0, method="nearest")

    results = []
    for index, entry in enumerate(entries):
        values_e = np.array(per_entry[entry])
        result = EntryResult(
            entry=entry, score=round(float(scores[index]), 2), rank=int(ranks[index]),
            score_low=round(float(score_low[index]), 2), score_high=round(float(score_high[index]), 2),
            rank_low=int(rank_low[index]), rank_high=int(rank_high[index]), reviews=len(values_e),
            spread=round(float(values_e.max() - values_e.min()), 2),
            sd=round(float(values_e.std(ddof=1)) if len(values_e) > 1 else 0.0, 2),
        )
        if awards_planned:
            result.cutoff_unstable = result.rank_low <= awards_planned < result.rank_high
        results.append(result)
    results.sort(key=lambda r: (r.rank, str(r.entry)))
    return Ranking(method, results, _alpha(totals), _alpha_per_criterion(reviews, criteria), _leniency(totals), raw_only)


def _alpha_matrix(values: dict[tuple, float]) -> np.ndarray | None:
    jurors = sorted({j for j, _ in values}, key=str)
    entries = sorted({e for _, e in values}, key=str)
    if len(jurors) < 2 or len(entries) < 2:
        return None
    row = {juror: i for i, juror in enumerate(jurors)}
    column = {entry: i for i, entry in enumerate(entries)}
    matrix = np.full((len(jurors), len(entries)), np.nan)
    for (juror, entry), value in values.items():
        matrix[row[juror], column[entry]] = value
    return matrix


def interval_alpha(matrix: np.ndarray) -> float | None:
    """Krippendorff's alpha, interval metric, raters × units with NaN for missing values.

    The closed form for the interval metric, O(values): the krippendorff package builds a
    values × values coincidence matrix, which for 0–100 totals with thousands of distinct
    values takes seconds. The tests check both give the same alpha.
    """
    pairable = [column[~np.isnan(column)] for column in matrix.T]
    pairable = [values for values in pairable if len(values) >= 2]
    n = sum(len(values) for values in pairable)
    if n < 2:
        return None
    everything = np.concatenate(pairable)
    expected = (2 * n * np.sum(everything**2) - 2 * np.sum(everything) ** 2) / (n * (n - 1))
    if expected == 0:
        return None
    observed = sum(
        (2 * len(values) * np.sum(values**2) - 2 * np.sum(values) ** 2) / (len(values) - 1) for values in pairable
    ) / n
    return float(1 - observed / expected)


def _alpha(values: dict[tuple, float], *, package: bool = False) -> float | None:
    """Krippendorff's alpha (interval) over the panel; None when it cannot be computed."""
    matrix = _alpha_matrix(values)
    if matrix is None:
        return None
    if package:  # few distinct values (criterion scores): the package is fast enough
        try:
            value = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
        except (ValueError, ZeroDivisionError):
            return None
    else:
        value = interval_alpha(matrix)
    return None if value is None or np.isnan(value) else round(float(value), 3)


def _alpha_per_criterion(reviews: list[ReviewScores], criteria: list[dict]) -> dict[str, float | None]:
    return {c["key"]: _alpha({(r.juror, r.entry): r.scores[c["key"]] for r in reviews if c["key"] in r.scores},
                             package=True)
            for c in criteria}


def _leniency(totals: dict[tuple, float]) -> dict:
    """Per juror: mean of (own total − mean of the others' totals) over entries they share."""
    by_entry = defaultdict(dict)
    for (juror, entry), total in totals.items():
        by_entry[entry][juror] = total
    offsets = defaultdict(list)
    for scores in by_entry.values():
        for juror, total in scores.items():
            others = [v for j, v in scores.items() if j != juror]
            if others:
                offsets[juror].append(total - sum(others) / len(others))
    jurors = {j for j, _ in totals}
    return {j: (round(float(np.mean(offsets[j])), 2) if offsets[j] else None) for j in jurors}
