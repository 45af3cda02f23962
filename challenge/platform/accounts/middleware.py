"""Authentication: a session cookie or an API token becomes scope["user"] (None if anonymous)."""

from __future__ import annotations

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from challenge.platform.accounts.api_tokens import resolve_token
from challenge.platform.accounts.sessions import cookie_name, resolve_session
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.settings import Settings


def _headers(scope: Scope) -> dict[bytes, str]:
    return {key: value.decode("latin-1") for key, value in scope.get("headers", [])}


def read_cookie(scope: Scope, name: str) -> str | None:
    for part in _headers(scope).get(b"cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


class AuthMiddleware(ASGIMiddleware):
    exclude_opt_key = "exclude_from_auth"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cookie = cookie_name(settings.https)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = None
        scope["auth"] = {"kind": "anonymous"}
        authorization = _headers(scope).get(b"authorization", "")
        if authorization.lower().startswith("bearer "):
            user = await resolve_token(authorization[7:].strip())
            if user is None:
                raise Problem(
                    401, "invalid_token", N_("The API token is invalid, expired or revoked.")
                )
            scope["user"], scope["auth"] = user, {"kind": "token"}
        else:
            token = read_cookie(scope, self.cookie)
            if token:
                user = await resolve_session(token, idle_hours=self.settings.session_idle_hours)
                if user is not None:
                    scope["user"], scope["auth"] = user, {"kind": "session", "token": token}
        await next_app(scope, receive, send)
