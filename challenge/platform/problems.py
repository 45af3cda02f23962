"""Domain refusals with a stable machine-readable code; services raise, controllers render."""

from __future__ import annotations

from typing import Any

import msgspec


class FieldError(msgspec.Struct):
    field: str
    message: str


class Problem(Exception):
    """A refusal: HTTP status, stable ``code``, a human ``detail`` and optional field errors."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors or []
        self.extra = extra or {}
        self.headers = headers or {}


def not_found(detail: str = "Not found") -> Problem:
    return Problem(404, "not_found", detail)


def forbidden(detail: str = "You are not allowed to do this.") -> Problem:
    """403: the person may not use this at all (the object, if any, is theirs to know of)."""
    return Problem(403, "forbidden", detail)
