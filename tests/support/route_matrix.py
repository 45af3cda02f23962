"""The route/role matrix: every route the app registers, tried as every role on real objects.

Each later issue adds its routes to EXPECTATIONS in tests/challenge/test_route_matrix.py;
the test fails for any route the app registers without an expectation, so no route can be
added without saying who may use it.
"""

from __future__ import annotations

import re

from litestar import Litestar

# applicant_a owns the objects the placeholders name (team, proposal, documents, partnership);
# applicant_b is a verified applicant with a team and a proposal of her own, and no relation to
# A's; juror_assigned reviews A's proposal; juror_conflicted declared a conflict with it. The open
# call has two challenges: A answers challenge "a", B challenge "b"; unit is a member of the city
# unit that owns challenge "a" (the call is still open: the unit reads no proposal yet);
# juror_of_b sits on the call's jury for challenge "b" only, so A's entry is not hers to see.
ROLES = (
    "anonymous",
    "applicant_a",
    "applicant_b",
    "juror_assigned",
    "juror_conflicted",
    "juror_of_b",
    "unit",
    "staff",
    "finance",
    "admin",
)
IGNORED_METHODS = {"OPTIONS", "HEAD"}

ALLOW = "allow"  # authorised and the object found: not 401/403/404 or a login redirect; never 5xx
LOGIN = "login"  # anonymous: 401 (API) or a redirect to the login page
DENY = "deny"  # 403: the role may not use the route at all
HIDDEN = "hidden"  # 404: the object exists, but not for this person (no probing)
ANY = "any"  # the answer is not about authorisation (each use says why): only never 5xx

PLACEHOLDER = re.compile(r"\{(\w+):\w+\}")


def app_routes(app: Litestar) -> list[tuple[str, str]]:
    """(method, path template) for every route handler the app registers."""
    routes = set()
    for route in app.routes:
        for method in getattr(route, "methods", ()):
            if method not in IGNORED_METHODS:
                routes.add((method, route.path))
    return sorted(routes, key=lambda item: (item[1], item[0]))


def placeholders(template: str) -> list[str]:
    """The names of a path template's parameters: "/teams/{team_id:uuid}" → ["team_id"]."""
    return PLACEHOLDER.findall(template)


def fill(template: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def _check(per_role: dict[str, str]) -> None:
    unknown = set(per_role) - set(ROLES)
    assert not unknown, f"unknown roles in an expectation: {unknown}"


def everyone(outcome: str = ALLOW, **per_role: str) -> dict[str, str]:
    """Every role, anonymous included, gets outcome (unless named)."""
    _check(per_role)
    return {role: per_role.get(role, outcome) for role in ROLES}


def logged_in(outcome: str = ALLOW, **per_role: str) -> dict[str, str]:
    """Anonymous must log in; every logged-in role gets outcome (unless named)."""
    _check(per_role)
    return {role: per_role.get(role, LOGIN if role == "anonymous" else outcome) for role in ROLES}


def only(*allowed: str, **per_role: str) -> dict[str, str]:
    """Role-guarded: logged-in roles not named are denied (403); anonymous must log in."""
    return logged_in(DENY, **{**{role: ALLOW for role in allowed}, **per_role})


def a_only(**per_role: str) -> dict[str, str]:
    """A's own object (her team, her file, her partner area): A may; every other logged-in
    person gets 404, staff included."""
    return logged_in(HIDDEN, applicant_a=ALLOW, **per_role)


def a_and_staff(**per_role: str) -> dict[str, str]:
    """A and staff (admins too) may; every other logged-in person gets 404."""
    return a_only(**{"staff": ALLOW, "admin": ALLOW, **per_role})


def a_and_office(**per_role: str) -> dict[str, str]:
    """The partnership: the partner (A), staff, finance and admins; everyone else 404."""
    return a_and_staff(**{"finance": ALLOW, **per_role})


def a_writes(**per_role: str) -> dict[str, str]:
    """Changing A's proposal: A may; those who may read it but not change it (the assigned
    juror, staff, admins) get 403; everyone else 404."""
    return a_only(**{"juror_assigned": DENY, "staff": DENY, "admin": DENY, **per_role})


def jurors_only(**per_role: str) -> dict[str, str]:
    """The call's jury area: the jurors of the call may (also one of a single challenge);
    everyone else 404."""
    return logged_in(
        HIDDEN, juror_assigned=ALLOW, juror_conflicted=ALLOW, juror_of_b=ALLOW, **per_role
    )


def reviewer_only(**per_role: str) -> dict[str, str]:
    """Reviewing A's entry: only the juror assigned to it (the conflicted one is recused): 404
    for everyone else, staff included."""
    return logged_in(HIDDEN, juror_assigned=ALLOW, **per_role)


def outcome_of(status: int, location: str | None, expected: str) -> str:
    if expected == ANY:
        return ANY
    if status == 401 or (status in (302, 303) and (location or "").startswith("/login")):
        return LOGIN
    if status == 403:
        return DENY
    if status == 404:
        return HIDDEN
    return ALLOW
