"""The route/role matrix: every route the app registers, tried as every role.

Each later issue adds its routes to EXPECTATIONS in tests/challenge/test_route_matrix.py;
the test fails for any route the app registers without an expectation, so no route can be
added without saying who may use it.
"""

from __future__ import annotations

from litestar import Litestar

ROLES = ("anonymous", "applicant", "staff", "finance", "admin")
IGNORED_METHODS = {"OPTIONS", "HEAD"}

ALLOW = "allow"  # authorised: any answer but 401/403/login redirect, and never 5xx
LOGIN = "login"  # anonymous: 401 (API) or a redirect to the login page
DENY = "deny"  # 403
ANY = "any"  # the route itself answers 401 for bad credentials (login): only never 5xx


def app_routes(app: Litestar) -> list[tuple[str, str]]:
    """(method, path template) for every route handler the app registers."""
    routes = set()
    for route in app.routes:
        for method in getattr(route, "methods", ()):
            if method not in IGNORED_METHODS:
                routes.add((method, route.path))
    return sorted(routes, key=lambda item: (item[1], item[0]))


def everyone(outcome: str = ALLOW) -> dict[str, str]:
    return {role: outcome for role in ROLES}


def logged_in(outcome: str = ALLOW) -> dict[str, str]:
    return {"anonymous": LOGIN, **{role: outcome for role in ROLES if role != "anonymous"}}


def only(*allowed: str) -> dict[str, str]:
    """Logged-in roles not named are denied; anonymous must log in."""
    return {
        role: ALLOW if role in allowed else (LOGIN if role == "anonymous" else DENY)
        for role in ROLES
    }


def outcome_of(status: int, location: str | None, expected: str) -> str:
    if expected == ANY:
        return ANY
    if status == 401 or (status in (302, 303) and (location or "").startswith("/login")):
        return LOGIN
    if status == 403:
        return DENY
    return ALLOW
