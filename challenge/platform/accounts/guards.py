"""Coarse route guards; object-level checks live in the domains' policies.py."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from challenge.platform.i18n import N_
from challenge.platform.problems import Problem


def login_required(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.scope.get("user") is None:
        raise Problem(401, "not_authenticated", N_("Please log in."))


def role_required(*roles: str):
    """A guard admitting users holding any of the roles (anonymous: 401, others: 403)."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        user = connection.scope.get("user")
        if user is None:
            raise Problem(401, "not_authenticated", "Please log in.")
        if not user.has_role(*roles):
            raise Problem(403, "forbidden", N_("You are not allowed to do this."))

    guard.__name__ = f"role_required_{'_'.join(roles)}"
    return guard


staff_required = role_required("staff", "admin")
admin_required = role_required("admin")
