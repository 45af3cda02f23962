"""Security headers on every response, error pages included (an app-level before_send hook)."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from challenge.settings import Settings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)
# Swagger UI sets inline style attributes; its page still runs no inline script.
CSP_SCHEMA = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def form_targets(settings: Settings) -> str:
    """Where the portal's forms may lead: itself, and with single sign-on the city's provider,
    since logging out answers the form with a redirect to its end-session endpoint (a browser
    follows a form's redirect only to an origin ``form-action`` names)."""
    if not settings.oidc_issuer:
        return "'self'"
    parts = urlsplit(settings.oidc_issuer)
    return f"'self' {parts.scheme}://{parts.netloc}"


def make_security_headers_hook(settings: Settings):
    hsts = settings.https
    targets = form_targets(settings)
    csp = CSP.replace("form-action 'self'", f"form-action {targets}")
    csp_schema = CSP_SCHEMA.replace("form-action 'self'", f"form-action {targets}")

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        path = scope.get("path", "")
        if "content-security-policy" not in headers:
            headers["Content-Security-Policy"] = csp_schema if path.startswith("/schema") else csp
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        headers["X-Frame-Options"] = "DENY"
        if hsts:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    return before_send
