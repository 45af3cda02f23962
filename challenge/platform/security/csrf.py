"""CSRF protection for cookie-authenticated unsafe requests (forms and JSON).

Double submit with a signed token: the ``csrftoken`` cookie holds ``nonce.signature``; an
unsafe request must repeat it in the ``x-csrftoken`` header, in the ``_csrf_token`` field
of a URL-encoded form, or — for multipart uploads, whose bodies are streamed and never
parsed here — in the ``_csrf_token`` query parameter. Requests authenticated with an API
token (Authorization: Bearer) carry no ambient credentials and are exempt.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import parse_qs

from litestar.datastructures import MutableScopeHeaders
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from challenge.platform.documents.multipart import leading_field
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security.bodies import read_body, replay

COOKIE = "csrftoken"
HEADER = b"x-csrftoken"
FIELD = "_csrf_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
MAX_FORM_BYTES = 1024 * 1024


def sign(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), nonce.encode(), hashlib.sha256).hexdigest()[:32]


def new_token(secret: str) -> str:
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{sign(secret, nonce)}"


def _same(a: str, b: str) -> bool:
    """Constant-time comparison that also copes with non-ASCII input (compare_digest on str
    raises for it)."""
    return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


def valid(secret: str, token: str | None) -> bool:
    if not token or token.count(".") != 1 or not token.isascii():
        return False
    nonce, signature = token.split(".")
    return _same(sign(secret, nonce), signature)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _cookie(scope: Scope) -> str | None:
    raw = _header(scope, b"cookie") or ""
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == COOKIE:
            return value
    return None


class CSRFMiddleware(ASGIMiddleware):
    exclude_opt_key = "exclude_from_auth"

    def __init__(self, secret: str, secure: bool) -> None:
        self.secret = secret
        self.secure = secure

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        cookie = _cookie(scope)
        token = cookie if valid(self.secret, cookie) else None
        issue = token is None
        token = token or new_token(self.secret)
        scope.setdefault("state", {})["csrf_token"] = token

        if _needs_token(scope):
            submitted, receive = await _submitted_token(scope, receive)
            if issue or not submitted or not _same(submitted, cookie or ""):
                raise Problem(
                    403,
                    "csrf_failed",
                    N_(
                        "The form has expired or was sent from another site. "
                        "Please reload the page and try again."
                    ),
                )

        if not issue:
            await next_app(scope, receive, send)
            return
        await next_app(scope, receive, self._setting_cookie(send, token))

    def _setting_cookie(self, send: Send, token: str) -> Send:
        """``send`` that adds the new token's cookie to the response."""
        cookie_value = f"{COOKIE}={token}; Path=/; SameSite=Lax" + (
            "; Secure" if self.secure else ""
        )

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message).add("set-cookie", cookie_value)
            await send(message)

        return send_with_cookie


def _needs_token(scope: Scope) -> bool:
    """Unsafe requests need the token, unless an API token (no ambient credentials) signs them."""
    return scope["method"] not in SAFE_METHODS and (scope.get("auth") or {}).get("kind") != "token"


async def _submitted_token(scope: Scope, receive: Receive) -> tuple[str | None, Receive]:
    """The token the request repeats (header, form field or query), and ``receive`` to read
    the body again when the form was read for it."""
    submitted = _header(scope, HEADER)
    content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
    if submitted is None and content_type == "application/x-www-form-urlencoded":
        read = await read_body(receive, MAX_FORM_BYTES)
        if read is None:
            raise Problem(413, "payload_too_large", N_("The form is too large."))
        body, messages = read
        receive = replay(messages, receive)
        submitted = (parse_qs(body.decode("utf-8", "replace")).get(FIELD) or [None])[0]
    if submitted is None and content_type == "multipart/form-data":
        # upload forms put the token first in the body: read just that part, stream the rest
        submitted, receive = await leading_field(_header(scope, b"content-type"), receive, FIELD)
    if submitted is None:
        # API clients that upload without the header may still name it in the query
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        submitted = (query.get(FIELD) or [None])[0]
    return submitted, receive
