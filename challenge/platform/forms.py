"""Helpers for HTML forms: parsed bodies, one field's value, and Problem → per-field messages."""

from __future__ import annotations

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
