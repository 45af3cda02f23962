"""Request helpers shared by the account pages and API: cookies, client IP, current user."""

from __future__ import annotations

from litestar import Request, Response

from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.sessions import cookie_name
from challenge.platform.security.client_ip import client_ip
from challenge.settings import Settings


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def ip_of(request: Request) -> str:
    return client_ip(request.scope, settings_of(request).trusted_proxies)


def user_agent_of(request: Request) -> str:
    return request.headers.get("user-agent", "")[:300]


def current_user(request: Request) -> CurrentUser | None:
    return request.scope.get("user")


def session_token_of(request: Request) -> str | None:
    return (request.scope.get("auth") or {}).get("token") or request.cookies.get(
        cookie_name(settings_of(request).https)
    )


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    settings = settings_of(request)
    response.set_cookie(
        cookie_name(settings.https),
        token,
        max_age=settings.session_max_days * 24 * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.https,
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    """Expire the cookie with the attributes it was set with (browsers ignore anything else)."""
    settings = settings_of(request)
    response.set_cookie(
        cookie_name(settings.https),
        "",
        max_age=0,
        expires=0,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.https,
    )
