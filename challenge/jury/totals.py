"""One review's weighted total (0–100), the one formula the scoring screen shows while a juror
scores and the ranking (``results.scores``) counts."""

from __future__ import annotations


def _scored(scores: dict, criteria: list[dict]) -> list[dict]:
    """The criteria the scores give a number on the criterion's scale for."""
    return [
        c
        for c in criteria
        if isinstance(scores.get(c["key"]), int | float)
        and not isinstance(scores.get(c["key"]), bool)
        and c["scale_min"] <= scores[c["key"]] <= c["scale_max"]
    ]


def review_total(scores: dict[str, float], criteria: list[dict]) -> float:
    """0–100: each criterion mapped to 0–1 over its scale, weighted; a criterion the review has
    no score for is left out of the weights rather than counted as zero."""
    present = _scored(scores, criteria)
    weight = sum(c["weight"] for c in present)
    if not weight:
        return 0.0
    total = sum(
        c["weight"] * (scores[c["key"]] - c["scale_min"]) / (c["scale_max"] - c["scale_min"])
        for c in present
    )
    return 100.0 * total / weight


def running_total(scores: dict, criteria: list[dict]) -> dict:
    """What the scoring screen shows while scoring: the total so far (None before the first
    score), how many criteria are scored and how many there are."""
    scored = _scored(scores, criteria)
    return {
        "value": review_total(scores, criteria) if scored else None,
        "scored": len(scored),
        "count": len(criteria),
    }
