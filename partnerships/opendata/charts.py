"""Geometry for the funding overview's SVG bar chart (the template draws it)."""

from __future__ import annotations

WIDTH, LEFT, RIGHT, ROW, BAR = 640, 190, 20, 64, 14
SERIES = (
    ("committed_cents", "#0b3d6b"),
    ("approved_cents", "#4f7fb0"),
    ("disbursed_cents", "#2e7d32"),
)


def funding_bars(groups: list[dict], labels: dict | None = None) -> dict:
    """Rows of bars (committed, approved, disbursed) scaled to the largest amount; ``labels``
    names each kind of award (stipends, pilots) after the call."""
    largest = max((g[key] for g in groups for key, _ in SERIES), default=0) or 1
    rows = []
    for index, group in enumerate(groups):
        y = 16 + index * ROW
        bars = [
            {
                "key": key,
                "colour": colour,
                "y": y + n * (BAR + 2),
                "width": round(group[key] / largest * (WIDTH - LEFT - RIGHT), 1),
                "cents": group[key],
            }
            for n, (key, colour) in enumerate(SERIES)
        ]
        kind = (labels or {}).get(group.get("kind"), "")
        label = f"{group['year']} · {group['call']}" + (f" · {kind}" if kind else "")
        rows.append({"label": label, "y": y + BAR + 4, "bars": bars})
    return {"width": WIDTH, "height": 24 + len(groups) * ROW, "left": LEFT, "rows": rows}
