"""Admin pages: users and their roles, the audit log, the mail outbox."""

from __future__ import annotations

from math import ceil
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.platform.accounts import roles, two_factor
from challenge.platform.accounts.guards import admin_required
from challenge.platform.accounts.roles import GLOBAL_ROLES
from challenge.platform.accounts.web import current_user
from challenge.platform.audit import service as audit
from challenge.platform.audit.display import describe
from challenge.platform.audit.labels import ACTIONS, OBJECT_TYPES
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.mail.admin import OUTBOX_STATES, list_outbox
from challenge.platform.pagination import Page
from challenge.platform.problems import Problem

PER_PAGE = 50
Text = Annotated[str, QueryParameter(max_length=200)]


def pages_of(total: int) -> int:
    return max(1, ceil(total / PER_PAGE))


class AdminPages(Controller):
    path = "/admin"
    include_in_schema = False
    guards = [admin_required]

    @get("/users", name="admin_users")
    async def users(self, request: Request, q: Text = "", page: Page = 1) -> Template:
        rows, total = await roles.list_users(
            current_user(request), query=q, page=page, per_page=PER_PAGE
        )
        return Template(
            template_name="base/admin/users.html",
            context={
                "users": rows,
                "total": total,
                "q": q,
                "page": page,
                "pages": pages_of(total),
            },
        )

    @get("/users/{user_id:uuid}", name="admin_user")
    async def user(self, request: Request, user_id: FromPath[UUID], notice: Text = "") -> Template:
        target = await roles.get_user(current_user(request), user_id)
        return Template(
            template_name="base/admin/user.html",
            context={
                "target": target,
                "roles": GLOBAL_ROLES,
                "errors": {},
                "two_factor": await two_factor.status(user_id),
                "notice": notice,
            },
        )

    @post("/users/{user_id:uuid}/roles")
    async def grant(
        self, request: Request, user_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        try:
            await roles.grant_role(current_user(request), user_id, form_value(data, "role"))
        except Problem as problem:
            target = await roles.get_user(current_user(request), user_id)
            return Template(
                template_name="base/admin/user.html",
                status_code=problem.status,
                context={"target": target, "roles": GLOBAL_ROLES, "errors": errors_of(problem)},
            )
        return Redirect(f"/admin/users/{user_id}", status_code=303)

    @get("/users/{user_id:uuid}/roles/{role:str}/revoke")
    async def revoke_confirm(
        self, request: Request, user_id: FromPath[UUID], role: FromPath[str]
    ) -> Template:
        """Revoking is confirmed on its own page first."""
        target = await roles.get_user(current_user(request), user_id)
        if role not in target["roles"]:
            return Template(
                template_name="base/admin/user.html",
                status_code=404,
                context={"target": target, "roles": GLOBAL_ROLES, "errors": {}},
            )
        return Template(
            template_name="base/admin/revoke.html", context={"target": target, "role": role}
        )

    @post("/users/{user_id:uuid}/roles/{role:str}/revoke")
    async def revoke(
        self, request: Request, user_id: FromPath[UUID], role: FromPath[str]
    ) -> Template | Redirect:
        try:
            await roles.revoke_role(current_user(request), user_id, role)
        except Problem as problem:
            target = await roles.get_user(current_user(request), user_id)
            return Template(
                template_name="base/admin/user.html",
                status_code=problem.status,
                context={"target": target, "roles": GLOBAL_ROLES, "errors": errors_of(problem)},
            )
        return Redirect(f"/admin/users/{user_id}", status_code=303)

    @get("/audit", name="admin_audit")
    async def audit_log(
        self,
        action: Text = "",
        object_type: Text = "",
        object_id: Text = "",
        page: Page = 1,
        check: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        rows, total = await audit.list_entries(
            action=action or None,
            object_type=object_type or None,
            object_id=object_id or None,
            page=page,
            per_page=PER_PAGE,
        )
        return Template(
            template_name="base/admin/audit.html",
            context={
                "entries": [describe(row) for row in rows],
                "action_labels": ACTIONS,
                "object_type_labels": OBJECT_TYPES,
                "total": total,
                "page": page,
                "pages": pages_of(total),
                "filters": {"action": action, "object_type": object_type, "object_id": object_id},
                "verification": await audit.verify() if check else None,
            },
        )

    @get("/outbox", name="admin_outbox")
    async def outbox(self, status: Text = "", page: Page = 1) -> Template:
        rows, total = await list_outbox(status=status or None, page=page, per_page=PER_PAGE)
        return Template(
            template_name="base/admin/outbox.html",
            context={
                "mails": rows,
                "total": total,
                "page": page,
                "pages": pages_of(total),
                "status": status,
                "states": OUTBOX_STATES,
            },
        )
