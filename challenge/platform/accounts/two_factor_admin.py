"""The admin's reset of a person's two-factor login (issue 22 point 3), on the person's admin
page: a confirmation page, then the reset (audited, the person gets a mail)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.platform.accounts import roles, two_factor_reset
from challenge.platform.accounts.guards import admin_required
from challenge.platform.accounts.web import current_user, settings_of
from challenge.platform.forms import errors_of
from challenge.platform.problems import Problem


class AdminTwoFactorPages(Controller):
    path = "/admin/users"
    include_in_schema = False
    guards = [admin_required]

    @get("/{user_id:uuid}/2fa/reset", name="admin_two_factor_reset")
    async def confirm(self, request: Request, user_id: FromPath[UUID]) -> Template:
        """Resetting is confirmed on its own page first."""
        target = await roles.get_user(current_user(request), user_id)
        return Template(
            template_name="base/admin/two_factor_reset.html",
            context={"target": target, "errors": {}},
        )

    @post("/{user_id:uuid}/2fa/reset")
    async def reset(self, request: Request, user_id: FromPath[UUID]) -> Template | Redirect:
        try:
            await two_factor_reset.admin_reset(
                current_user(request), user_id, base_url=settings_of(request).base_url
            )
        except Problem as problem:
            target = await roles.get_user(current_user(request), user_id)
            return Template(
                template_name="base/admin/two_factor_reset.html",
                status_code=problem.status,
                context={"target": target, "errors": errors_of(problem)},
            )
        return Redirect(f"/admin/users/{user_id}?notice=two_factor_reset", status_code=303)
