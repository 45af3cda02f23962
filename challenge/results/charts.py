"""Geometry for the server-rendered SVG charts of the ranking page (templates draw them)."""

from __future__ import annotations

WIDTH = 640
LEFT = 170  # room for labels
RIGHT = 20
ROW = 26


def _x(value: float, low: float, high: float) -> float:
    span = (high - low) or 1
    return round(LEFT + (value - low) / span * (WIDTH - LEFT - RIGHT), 1)


def juror_boxes(jurors: list, names: dict) -> dict:
    """Per juror a box plot of the review totals (0–100) — the whisker from the lowest to the
    highest, the box over the middle half, the median in it — and the mean as a bar: a few
    shapes per juror however many reviews (``cache.JurorStats``)."""
    ordered = sorted(jurors, key=lambda j: names.get(j.juror, str(j.juror)))
    lines = []
    for index, juror in enumerate(ordered):
        lines.append(
            {
                "label": names.get(juror.juror, "?"),
                "y": 20 + index * ROW,
                "low": _x(juror.low, 0, 100),
                "q1": _x(juror.q1, 0, 100),
                "median": _x(juror.median, 0, 100),
                "q3": _x(juror.q3, 0, 100),
                "high": _x(juror.high, 0, 100),
                "mean": _x(juror.mean, 0, 100),
                "count": juror.reviews,
            }
        )
    ticks = [{"x": _x(v, 0, 100), "label": v} for v in (0, 25, 50, 75, 100)]
    return {
        "width": WIDTH,
        "height": 40 + len(ordered) * ROW,
        "rows": lines,
        "ticks": ticks,
        "left": LEFT,
        "right": WIDTH - RIGHT,
    }


def rank_intervals(
    entries: list, titles: dict, awards_planned: int | None, entry_count: int
) -> dict:
    """Per entry: its rank as a dot and the 90 % rank interval as a line; the award cut-off."""
    high = max(entry_count, 2)
    lines = []
    for index, entry in enumerate(entries):
        y = 20 + index * ROW
        lines.append(
            {
                "label": titles.get(entry.entry, {}).get("reference") or "?",
                "y": y,
                "x1": _x(entry.rank_low, 1, high),
                "x2": _x(entry.rank_high, 1, high),
                "x": _x(entry.rank, 1, high),
                "unstable": entry.cutoff_unstable,
                "rank": entry.rank,
                "low": entry.rank_low,
                "high": entry.rank_high,
            }
        )
    step = max(1, round(high / 5))
    ticks = [
        {"x": _x(v, 1, high), "label": v} for v in sorted({1, *range(step, high + 1, step), high})
    ]
    cutoff = _x(awards_planned + 0.5, 1, high) if awards_planned and awards_planned < high else None
    return {
        "width": WIDTH,
        "height": 40 + len(entries) * ROW,
        "rows": lines,
        "ticks": ticks,
        "cutoff": cutoff,
        "left": LEFT,
        "right": WIDTH - RIGHT,
    }
