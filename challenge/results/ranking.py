"""Rankings from final reviews: four methods, a seeded bootstrap for score and rank intervals,
disagreement, Krippendorff's alpha and per-juror leniency. Pure numpy; no database here."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import krippendorff
import numpy as np

from challenge.results.scores import (  # noqa: F401 - part of this module's API
    METHODS,
    EntryResult,
    Ranking,
    ReviewScores,
    review_total,
)

MIN_REVIEWS_FOR_NORMALISING = 3
RESAMPLES = 1000
THREADS = max(1, min(2, os.cpu_count() or 1))
PARALLEL_FROM = 200_000  # entries × resamples below which threads cost more than they save
SEED_CHUNKS = 2  # a big round's resamples in this many seeded parts (the same on every machine)
BLOCK_BYTES = 2 << 20  # working memory of one block of the bootstrap (picks, values, ranks)


def _aggregate(values: np.ndarray, method: str, axis: int = -1) -> np.ndarray:
    """Mean, median, or the mean without the highest and the lowest value when there are at
    least four (trimmed). Median and trimmed share one sort (faster than np.median here)."""
    if method not in ("median", "trimmed"):
        return values.mean(axis=axis)
    n = values.shape[axis]
    if method == "trimmed" and n < 4:
        return values.mean(axis=axis)
    ordered = np.moveaxis(np.sort(values, axis=axis), axis, -1)
    if method == "trimmed":
        return ordered[..., 1 : n - 1].mean(axis=-1)
    if n % 2:
        return ordered[..., n // 2]
    return (ordered[..., n // 2 - 1] + ordered[..., n // 2]) / 2


def _resampled(sampled: np.ndarray, method: str, count: int) -> np.ndarray:
    """(count, resamples, entries) resampled values → (resamples, entries) aggregates."""
    if method == "trimmed" and count >= 4:
        return (sampled.sum(axis=0) - sampled.max(axis=0) - sampled.min(axis=0)) / (count - 2)
    if method == "median":
        ordered = np.sort(sampled, axis=0)
        return (
            ordered[count // 2]
            if count % 2
            else (ordered[count // 2 - 1] + ordered[count // 2]) / 2
        )
    return sampled.sum(axis=0) / count


def _bootstrap(
    matrix: np.ndarray,
    *,
    method: str,
    rng: np.random.Generator,
    resamples: int,
    out: np.ndarray | None = None,
    at: np.ndarray | slice = slice(None),
) -> np.ndarray:
    """(resamples, entries): each entry's n values resampled with replacement and aggregated,
    written into ``out[:, at]`` (float32) when given. Laid out (n, resamples, entries) so sums run over
    whole contiguous rows, in blocks of resamples whose picks and values stay within
    BLOCK_BYTES (a small round is one block: the same draws as one big array)."""
    entries, count = matrix.shape
    columns = np.ascontiguousarray(matrix.T)  # (n, entries)
    dtype = np.uint8 if count < 256 else np.int64
    per_resample = count * entries * (np.dtype(dtype).itemsize + (16 if method == "median" else 8))
    block = max(1, BLOCK_BYTES // max(per_resample, 1))
    out = np.empty((resamples, entries), dtype=np.float32) if out is None else out
    every = np.arange(entries)[None, None, :]
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        picks = rng.integers(0, count, size=(count, size, entries), dtype=dtype)
        out[start : start + size, at] = _resampled(columns[picks, every], method, count)
    return out


def _intervals(groups: list, entry_count: int, method: str, seed: int, resamples: int):
    """90 % bootstrap intervals for every entry's score and rank. A big round's resamples are
    split into SEED_CHUNKS parts with their own seeded generators (reproducible for a seed, on
    any machine) that run in parallel threads where there are cores: numpy releases the GIL.
    Memory stays bounded: one float32 (resamples, entries) array, whose rows the ranks replace
    once the score percentiles are taken, and working blocks of BLOCK_BYTES."""
    chunks = SEED_CHUNKS if entry_count * resamples >= PARALLEL_FROM else 1
    sizes = [resamples // chunks + (1 if i < resamples % chunks else 0) for i in range(chunks)]
    starts = np.concatenate(([0], np.cumsum(sizes)))
    seeds = np.random.SeedSequence(seed).spawn(chunks)
    boot = np.empty((resamples, entry_count), dtype=np.float32)

    def fill(chunk: int) -> None:
        rng = np.random.default_rng(seeds[chunk])
        rows = boot[starts[chunk] : starts[chunk + 1]]
        for indexes, matrix in groups:
            _bootstrap(matrix, method=method, rng=rng, resamples=sizes[chunk], out=rows, at=indexes)

    def rerank(part: slice) -> None:  # a resample's ranks depend on its own row only
        boot[part] = _ranks(boot[part])

    def percentiles(part: slice, nearest: bool = False) -> np.ndarray:
        return np.percentile(
            boot[:, part], [5, 95], axis=0, **({"method": "nearest"} if nearest else {})
        )

    row_step = max(1, BLOCK_BYTES // (24 * max(entry_count, 1)))
    column_step = max(1, BLOCK_BYTES // (8 * max(resamples, 1)))
    columns = [slice(i, i + column_step) for i in range(0, entry_count, column_step)]
    with ThreadPoolExecutor(max_workers=min(THREADS, chunks)) as pool:
        list(pool.map(fill, range(chunks)))
        scores = list(pool.map(percentiles, columns))
        list(pool.map(rerank, [slice(i, i + row_step) for i in range(0, resamples, row_step)]))
        ranks = list(pool.map(lambda part: percentiles(part, True), columns))
    score_low, score_high = np.concatenate(scores, axis=1)
    rank_low, rank_high = np.concatenate(ranks, axis=1)
    return score_low, score_high, rank_low, rank_high


def _normalised(
    totals: np.ndarray, jurors: np.ndarray, juror_count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each juror's totals as z-scores over that juror's reviews, mapped back with the panel's
    mean and SD; jurors with fewer than three reviews keep their raw totals. Returns the
    adjusted totals and a mask of the raw-only jurors."""
    if not len(totals):
        return totals, np.zeros(juror_count, dtype=bool)
    count = np.bincount(jurors, minlength=juror_count)
    mean = np.bincount(jurors, weights=totals, minlength=juror_count) / np.maximum(count, 1)
    variance = np.bincount(
        jurors, weights=(totals - mean[jurors]) ** 2, minlength=juror_count
    ) / np.maximum(count, 1)
    sd = np.sqrt(variance)
    z = np.divide(
        totals - mean[jurors], sd[jurors], out=np.zeros_like(totals), where=sd[jurors] > 1e-12
    )
    raw_only = count < MIN_REVIEWS_FOR_NORMALISING
    adjusted = np.where(raw_only[jurors], totals, totals.mean() + z * totals.std())
    return adjusted, raw_only & (count > 0)


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Competition ranks per row: highest score rank 1, ties share the best rank (1, 1, 3).
    rank = 1 + how many scores are strictly higher = n − (last position of the value in the
    sorted row); one argsort per row, no Python loop."""
    rows = np.atleast_2d(scores)
    n = rows.shape[1]
    order = np.argsort(rows, axis=1)
    ordered = np.take_along_axis(rows, order, axis=1)
    is_last = np.ones(ordered.shape, dtype=bool)  # the last of a run of equal values
    is_last[:, :-1] = ordered[:, 1:] != ordered[:, :-1]
    last = np.where(is_last, np.arange(n, dtype=np.int32)[None, :], np.int32(n))
    last = np.minimum.accumulate(last[:, ::-1], axis=1)[:, ::-1]  # each position's run end
    ranks = np.empty(rows.shape, dtype=np.int32)
    np.put_along_axis(ranks, order, (n - last).astype(np.int32), axis=1)
    return ranks if scores.ndim == 2 else ranks[0]


def _matrix(reviews: list[ReviewScores], criteria: list[dict]):
    """Reviews as arrays: juror and entry indexes, the raw score matrix (NaN = missing) and totals."""
    juror_ids = sorted({r.juror for r in reviews}, key=str)
    entry_ids = sorted({r.entry for r in reviews}, key=str)
    juror_index = {j: i for i, j in enumerate(juror_ids)}
    entry_index = {e: i for i, e in enumerate(entry_ids)}
    keys = [c["key"] for c in criteria]
    jurors = np.fromiter(
        (juror_index[r.juror] for r in reviews), dtype=np.int64, count=len(reviews)
    )
    entries = np.fromiter(
        (entry_index[r.entry] for r in reviews), dtype=np.int64, count=len(reviews)
    )
    raw = np.array([[r.scores.get(k, np.nan) for k in keys] for r in reviews], dtype=float).reshape(
        len(reviews), len(keys)
    )
    low = np.array([c["scale_min"] for c in criteria], dtype=float)
    high = np.array([c["scale_max"] for c in criteria], dtype=float)
    weight = np.array([c["weight"] for c in criteria], dtype=float)
    present = ~np.isnan(raw)
    weights = present * weight
    mapped = np.where(present, (raw - low) / np.where(high > low, high - low, 1), 0.0)
    total_weight = weights.sum(axis=1)
    totals = np.divide(
        100.0 * (mapped * weights).sum(axis=1),
        total_weight,
        out=np.zeros(len(reviews)),
        where=total_weight > 0,
    )
    return juror_ids, entry_ids, jurors, entries, raw, totals


def rank(
    reviews: list[ReviewScores],
    criteria: list[dict],
    *,
    method: str = "mean",
    awards_planned: int | None = None,
    seed: int = 2026,
    resamples: int = RESAMPLES,
) -> Ranking:
    """Everything the ranking page and API show, for final, unrecused reviews."""
    if method not in METHODS:
        raise ValueError(method)
    if not reviews:
        return Ranking(method, [], None, {}, {}, [])
    juror_ids, entry_ids, jurors, entries, raw, totals = _matrix(reviews, criteria)
    values, raw_mask = totals, np.zeros(len(juror_ids), dtype=bool)
    if method == "normalized":
        values, raw_mask = _normalised(totals, jurors, len(juror_ids))
    raw_only = [juror_ids[i] for i in np.flatnonzero(raw_mask)]
    aggregation = "mean" if method == "normalized" else method
    stats, groups = _entry_statistics(values, jurors, entries, len(entry_ids), aggregation)
    stats["rank"] = _ranks(stats["score"])
    intervals = _intervals(groups, len(entry_ids), aggregation, seed, resamples)
    stats.update(zip(("score_low", "score_high", "rank_low", "rank_high"), intervals, strict=True))
    results = _entry_results(entry_ids, stats, awards_planned)
    per_criterion = {
        c["key"]: _alpha_of(
            raw[:, i], jurors, entries, len(juror_ids), len(entry_ids), package=True
        )
        for i, c in enumerate(criteria)
    }
    return Ranking(
        method,
        results,
        _alpha_of(totals, jurors, entries, len(juror_ids), len(entry_ids)),
        per_criterion,
        _leniency(totals, jurors, entries, juror_ids, len(entry_ids)),
        raw_only,
    )


def _entry_statistics(
    values: np.ndarray, jurors: np.ndarray, entries: np.ndarray, entry_count: int, aggregation: str
) -> tuple[dict[str, np.ndarray], list]:
    """Per entry: the review count, the score, the spread and the standard deviation; and the
    (entries, values matrix) groups by review count that the bootstrap resamples."""
    # each entry's values contiguous, in juror order (the order the bootstrap resamples from)
    order = np.lexsort((jurors, entries))
    sorted_entries, sorted_values = entries[order], values[order]
    counts = np.bincount(sorted_entries, minlength=entry_count)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    scores = np.empty(entry_count)
    spread = np.empty(entry_count)
    sd = np.zeros(entry_count)
    groups = []
    # entries grouped by review count: one (entries, n) matrix per group, resampled at once
    for count in np.unique(counts):
        indexes = np.flatnonzero(counts == count)
        matrix = sorted_values[starts[indexes][:, None] + np.arange(count)]  # (E_n, n)
        scores[indexes] = _aggregate(matrix, aggregation, axis=1)
        spread[indexes] = matrix.max(axis=1) - matrix.min(axis=1)
        if count > 1:
            sd[indexes] = matrix.std(axis=1, ddof=1)
        groups.append((indexes, matrix))
    return {"reviews": counts, "score": scores, "spread": spread, "sd": sd}, groups


def _entry_results(
    entry_ids: list, stats: dict[str, np.ndarray], awards_planned: int | None
) -> list[EntryResult]:
    """One result per entry (rounded as shown), ordered by rank; flags an unstable cut-off."""
    results = []
    for index, entry in enumerate(entry_ids):
        result = EntryResult(
            entry=entry,
            score=round(float(stats["score"][index]), 2),
            rank=int(stats["rank"][index]),
            score_low=round(float(stats["score_low"][index]), 2),
            score_high=round(float(stats["score_high"][index]), 2),
            rank_low=int(stats["rank_low"][index]),
            rank_high=int(stats["rank_high"][index]),
            reviews=int(stats["reviews"][index]),
            spread=round(float(stats["spread"][index]), 2),
            sd=round(float(stats["sd"][index]), 2),
        )
        if awards_planned:
            result.cutoff_unstable = result.rank_low <= awards_planned < result.rank_high
        results.append(result)
    results.sort(key=lambda r: (r.rank, str(r.entry)))
    return results


def _alpha_of(
    values: np.ndarray,
    jurors: np.ndarray,
    entries: np.ndarray,
    juror_count: int,
    entry_count: int,
    *,
    package: bool = False,
) -> float | None:
    """Krippendorff's alpha (interval) of one value per review; None when it cannot be computed."""
    keep = ~np.isnan(values)
    if juror_count < 2 or entry_count < 2 or not keep.any():
        return None
    if package:  # few distinct values (criterion scores): the package is fast enough
        matrix = np.full((juror_count, entry_count), np.nan)
        matrix[jurors[keep], entries[keep]] = values[keep]
        try:
            value = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
        except (ValueError, ZeroDivisionError):
            return None
    else:
        value = _interval_alpha_units(values[keep], entries[keep], entry_count)
    return None if value is None or np.isnan(value) else round(float(value), 3)


def interval_alpha(matrix: np.ndarray) -> float | None:
    """Krippendorff's alpha, interval metric, raters × units with NaN for missing values.

    The closed form for the interval metric, O(values): the krippendorff package builds a
    values × values coincidence matrix, which for 0–100 totals with thousands of distinct
    values takes seconds. The tests check both give the same alpha.
    """
    raters, units = np.nonzero(~np.isnan(matrix))
    return _interval_alpha_units(matrix[raters, units], units, matrix.shape[1])


def _interval_alpha_units(values: np.ndarray, units: np.ndarray, unit_count: int) -> float | None:
    """The closed form over (value, unit) pairs: only units with at least two values count."""
    per_unit = np.bincount(units, minlength=unit_count)
    pairable = per_unit[units] >= 2
    values, units = values[pairable], units[pairable]
    n = len(values)
    if n < 2:
        return None
    expected = (2 * n * np.sum(values**2) - 2 * np.sum(values) ** 2) / (n * (n - 1))
    if expected == 0:
        return None
    m = per_unit.astype(float)
    sums = np.bincount(units, weights=values, minlength=unit_count)
    squares = np.bincount(units, weights=values**2, minlength=unit_count)
    used = m >= 2
    observed = np.sum((2 * m[used] * squares[used] - 2 * sums[used] ** 2) / (m[used] - 1)) / n
    return float(1 - observed / expected)


def _leniency(
    totals: np.ndarray, jurors: np.ndarray, entries: np.ndarray, juror_ids: list, entry_count: int
) -> dict:
    """Per juror: mean of (own total − mean of the others' totals) over entries they share."""
    count = np.bincount(entries, minlength=entry_count)
    sums = np.bincount(entries, weights=totals, minlength=entry_count)
    shared = count[entries] > 1
    others = np.divide(
        sums[entries] - totals, count[entries] - 1, out=np.zeros_like(totals), where=shared
    )
    offsets = np.where(shared, totals - others, 0.0)
    n = np.bincount(jurors, weights=shared.astype(float), minlength=len(juror_ids))
    total = np.bincount(jurors, weights=offsets, minlength=len(juror_ids))
    return {
        juror: (round(float(total[i] / n[i]), 2) if n[i] else None)
        for i, juror in enumerate(juror_ids)
    }


def juror_statistics(reviews: list[ReviewScores], criteria: list[dict]) -> list[tuple]:
    """Per juror (ordered by id): reviews, mean, lowest, quartiles and highest of the review
    totals (``review_total``, the formula the scoring screen shows)."""
    totals: dict = {}
    for review in reviews:
        totals.setdefault(review.juror, []).append(review_total(review.scores, criteria))
    rows = []
    for juror in sorted(totals, key=str):
        values = np.array(totals[juror])
        low, q1, median, q3, high = np.percentile(values, [0, 25, 50, 75, 100])
        rows.append(
            (
                juror,
                len(values),
                float(values.mean()),
                *(float(v) for v in (low, q1, median, q3, high)),
            )
        )
    return rows
