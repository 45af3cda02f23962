"""A few seconds of caching for public pages seen by anonymous visitors.

Each replica keeps its own copy for at most a few seconds, so nothing shared lives in
process memory: a change shows up everywhere within that time. Pages for logged-in people
are never stored (they carry a per-browser CSRF token and personal navigation).
"""

from __future__ import annotations

from litestar import Request
from litestar.config.response_cache import ResponseCacheConfig
from litestar.types import HTTPScope

from challenge.platform.i18n import request_locale

PUBLIC_PAGE_SECONDS = 5


def page_key(request: Request) -> str:
    """What a stored page depends on. The store keeps the body as sent — gzip-compressed for a
    client that accepts gzip, which later hits get without compressing again — so whether the
    client accepts gzip is part of the key (a client that does not must never get gzip)."""
    user = request.scope.get("user")
    return "|".join(
        (
            request.method,
            request.url.path,
            request.url.query or "",
            request_locale(request),
            str(user.id) if user else "anonymous",
            "gzip" if "gzip" in request.headers.get("accept-encoding", "") else "identity",
        )
    )


def anonymous_success(scope: HTTPScope, status_code: int) -> bool:
    settings = scope["app"].state.settings
    return settings.page_cache and scope.get("user") is None and 200 <= status_code < 300


def response_cache_config() -> ResponseCacheConfig:
    return ResponseCacheConfig(key_builder=page_key, cache_response_filter=anonymous_success)
