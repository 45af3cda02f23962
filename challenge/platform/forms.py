"""Helpers for HTML forms: parsed bodies, one field's value, and Problem → per-field messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

from challenge.platform.problems import Problem

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def form_value(data: dict[str, Any], name: str) -> str:
    """One field as text: the first value of a repeated field, "" when it is missing."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)


def errors_of(problem: Problem) -> dict[str, str]:
    """Field name → message (untranslated msgid); a form-level message under "_form"."""
    errors = {error.field: error.message for error in problem.errors}
    return errors or {"_form": problem.detail}


def apply_row(
    rows: list, verb: str, index: int, blank: Callable[[], Any], limit: int
) -> int | None:
    """One row button of a form's row builder, on ``rows`` in place (nothing is saved): ``add``
    a blank row at the end (up to ``limit``), ``remove``, or move ``up``/``down`` the row at
    0-based ``index``. Returns the 0-based index of the row to focus, or None when no row is."""
    if verb == "add":
        if len(rows) >= limit:
            return None
        rows.append(blank())
        return len(rows) - 1
    if not 0 <= index < len(rows):
        return None
    if verb == "remove":
        del rows[index]
        return min(index, len(rows) - 1) if rows else None
    if verb in ("up", "down"):
        other = index - 1 if verb == "up" else index + 1
        if 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
            return other
        return index
    return None
