"""The running total of a plan's rows against its sum (the partnership editor's tranches against
the contract total, the offer's milestones against its cost lines): computed on every render so
the page says whether they add up without JavaScript; static/js/milestones.js follows typing."""

from __future__ import annotations

from challenge.platform.money import MoneyError, parse_money


def _cents(value, locale: str) -> int | None:
    """An amount as stored (cents) or as typed (text in the page's language); None: unreadable."""
    if isinstance(value, int):
        return value
    try:
        return parse_money(str(value or ""), locale) or 0
    except MoneyError:
        return None


def _state(values: list, goal: int | None, target_given: bool) -> str:
    if None in values or (target_given and goal is None):
        return "unreadable"
    total = sum(values)
    if not values and not goal:
        return "empty"
    if goal is None:
        return "no_target"  # amounts typed, the total they should reach not yet
    if total == goal:
        return "match"
    return "under" if total < goal else "over"


def running_total(amounts, target, locale: str) -> dict:
    """``amounts`` (cents or typed text) summed against ``target`` (the same): the sum, the target,
    the difference and a state — ``match``, ``under``, ``over``, ``unreadable`` (an amount or the
    target cannot be read), ``no_target`` (amounts, but no target yet) or ``empty`` (neither)."""
    values = [_cents(a, locale) for a in amounts if a not in (None, "")]
    given = target not in (None, "")
    goal = _cents(target, locale) if given else None
    total = sum(v for v in values if v is not None)
    return {
        "sum_cents": total,
        "target_cents": goal or 0,
        "difference_cents": abs((goal or 0) - total),
        "state": _state(values, goal, given),
    }


def sum_of(amounts, locale: str) -> int | None:
    """The sum of amounts (cents or typed text); None when one cannot be read."""
    values = [_cents(a, locale) for a in amounts if a not in (None, "")]
    return None if any(v is None for v in values) else sum(values)
