"""Errors: RFC 9457 problem+json under /api, bilingual HTML error pages elsewhere."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY, HTTP_500_INTERNAL_SERVER_ERROR

from challenge.platform.i18n import N_, gettext, request_locale
from challenge.platform.problems import FieldError, Problem
from challenge.platform.urls import way_back

logger = logging.getLogger("challenge.errors")

PROBLEM_JSON = "application/problem+json"

# Stable machine-readable codes for plain HTTP statuses.
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}

# Titles shown to people (translated at render time).
STATUS_TITLES = {
    400: N_("The request could not be understood"),
    401: N_("Please log in"),
    403: N_("Access denied"),
    404: N_("Page not found"),
    405: N_("This action is not possible here"),
    409: N_("Conflict with the stored state"),
    413: N_("The upload is too large"),
    415: N_("This file type is not accepted"),
    422: N_("The input could not be accepted"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("Service temporarily unavailable"),
}


def is_api_request(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _validation_errors(exc: ValidationException) -> list[FieldError]:
    errors = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("source") or "")
            errors.append(FieldError(field=key, message=str(item.get("message", ""))))
    return errors


def problem_response(request: Request, exc: Exception) -> Response:
    """Serialise an exception as application/problem+json with a stable code."""
    locale = request_locale(request)
    errors: list[FieldError] = []
    extra: dict[str, Any] = {}
    if isinstance(exc, Problem):
        status, code, detail = exc.status, exc.code, gettext(exc.detail, locale)
        errors, extra = exc.errors, exc.extra
    elif isinstance(exc, ValidationException):
        status, code = HTTP_422_UNPROCESSABLE_ENTITY, "validation_error"
        detail = gettext(N_("Some fields are missing or invalid."), locale)
        errors = _validation_errors(exc)
    elif isinstance(exc, HTTPException):
        status = exc.status_code
        code = STATUS_CODES.get(status, f"http_{status}")
        detail = gettext(STATUS_TITLES.get(status, exc.detail), locale)
    else:
        status, code = HTTP_500_INTERNAL_SERVER_ERROR, "internal_error"
        detail = gettext(STATUS_TITLES[500], locale)
    body: dict[str, Any] = {
        "type": f"urn:challenge:problem:{code}",
        "title": gettext(STATUS_TITLES.get(status, "Error"), locale),
        "status": status,
        "code": code,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    if errors:
        body["errors"] = [msgspec.to_builtins(error) for error in errors]
    headers = getattr(exc, "headers", None) or {}
    return Response(
        content=msgspec.json.encode(body),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def page_response(request: Request, exc: Exception) -> Response:
    """An HTML error page in the visitor's language (a login redirect for anonymous visitors)."""
    if isinstance(exc, Problem) and exc.status == 401:
        target = way_back(request.url.path, request.url.query)
        return Redirect(f"/login?next={quote(target, safe='/')}", status_code=303)
    if isinstance(exc, Problem):
        status = exc.status
    elif isinstance(exc, HTTPException):
        status = exc.status_code
    else:
        status = HTTP_500_INTERNAL_SERVER_ERROR
    if status not in STATUS_TITLES:
        status = 500 if status >= 500 else 400
    detail = exc.detail if isinstance(exc, Problem) else None
    return Template(
        template_name="base/error.html",
        context={"status": status, "title": STATUS_TITLES[status], "detail": detail},
        status_code=status,
        media_type=MediaType.HTML,
        headers=getattr(exc, "headers", None) or {},
    )


def handle_exception(request: Request, exc: Exception) -> Response:
    """The app's single exception handler: logs server errors, answers in the right format."""
    from challenge.platform.dbfaults import database_unavailable, is_transient

    if is_transient(exc):
        # A dropped or exhausted database connection passes: 503 with Retry-After, not 500.
        logger.warning(
            "database unavailable on %s %s: %s: %s",
            request.method,
            request.url.path,
            type(exc).__name__,
            exc,
        )
        exc = database_unavailable()
    elif isinstance(exc, Problem) and exc.status >= 500:
        # e.g. storage_unavailable: the visitor sees a calm message, operators the cause.
        cause = exc.__cause__ or exc.__context__
        logger.warning(
            "%s on %s %s: %s",
            exc.code,
            request.method,
            request.url.path,
            f"{type(cause).__name__}: {cause}" if cause else exc.detail,
        )
    elif not isinstance(exc, (HTTPException, Problem)) or getattr(exc, "status_code", 0) >= 500:
        logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if is_api_request(request):
        return problem_response(request, exc)
    return page_response(request, exc)
