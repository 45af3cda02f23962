"""Geometry for the server-rendered SVG charts of the ranking page (templates draw them)."""

from __future__ import annotations

from collections import defaultdict

WIDTH = 640
LEFT = 170  # room for labels
RIGHT = 20
ROW = 26


def _x(value: float, low: float, high: float) -> float:
    span = (high - low) or 1
    return round(LEFT + (value - low) / span * (WIDTH - LEFT - RIGHT), 1)


def juror_distributions(rows: list[dict], names: dict) -> dict:
    """Per juror: every review total (0–100) as a dot and the juror's mean as a bar."""
    by_juror = defaultdict(list)
    for row in rows:
        by_juror[row["juror"]].append(row["total"])
    jurors = sorted(by_juror, key=lambda j: names.get(j, str(j)))
    lines = []
    for index, juror in enumerate(jurors):
        totals = by_juror[juror]
        y = 20 + index * ROW
        lines.append(
            {
                "label": names.get(juror, "?"),
                "y": y,
                "dots": [_x(t, 0, 100) for t in sorted(totals)],
                "mean": _x(sum(totals) / len(totals), 0, 100),
                "mean_value": round(sum(totals) / len(totals), 1),
                "count": len(totals),
            }
        )
    ticks = [{"x": _x(v, 0, 100), "label": v} for v in (0, 25, 50, 75, 100)]
    return {
        "width": WIDTH,
        "height": 40 + len(jurors) * ROW,
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
