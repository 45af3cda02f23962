"""What the staff and partner pages share: the detail page, running an action that shows the
page again with the message when refused, and the plan editor."""

from __future__ import annotations

from uuid import UUID

from litestar import Request
from litestar.response import Redirect, Template

from challenge.platform.accounts.web import current_user
from challenge.platform.forms import errors_of
from challenge.platform.i18n import request_locale
from challenge.platform.problems import Problem
from partnerships.contracts import services
from partnerships.contracts.forms import editor_rows, row_errors
from partnerships.milestones.services import detail_context
from partnerships.totals import running_total

STAFF_DETAIL = "partnerships/staff/detail.html"
PARTNER_DETAIL = "partnerships/partner/detail.html"


async def staff_detail(
    request: Request, partnership: dict, *, errors: dict | None = None, status: int = 200
) -> Template:
    """The staff's page of a partnership."""
    context = await detail_context(current_user(request), partnership)
    context["errors"] = errors or {}
    return Template(template_name=STAFF_DETAIL, status_code=status, context=context)


async def act(
    request: Request, partnership_id: UUID, action, anchor: str = ""
) -> Template | Redirect:
    """Run an action; on a refusal show the page again with the message, nothing changed."""
    partnership = await services.visible(current_user(request), partnership_id)
    try:
        await action(request.scope["user"])
    except Problem as problem:
        return await staff_detail(
            request, partnership, errors=errors_of(problem), status=problem.status
        )
    return Redirect(
        f"/staff/partnerships/{partnership_id}{'#' + anchor if anchor else ''}", status_code=303
    )


async def partner_page(
    request: Request, partnership_id: UUID, *, errors: dict | None = None, status: int = 200
) -> Template:
    """The partner's page of a partnership (404 for anyone else, and while a draft)."""
    user = current_user(request)
    partnership = await services.partner_view(user, partnership_id)
    context = await detail_context(user, partnership)
    context["errors"] = errors or {}
    return Template(template_name=PARTNER_DETAIL, status_code=status, context=context)


def editor(
    request: Request,
    partnership: dict | None,
    values: dict,
    *,
    errors: dict | None = None,
    status: int = 200,
    focus: int = 0,
) -> Template:
    """The plan editor (a new contract when ``partnership`` is None): its milestone rows, the
    running total of their tranches (and the bonus) against the contract's total, and the row to
    focus after a row button."""
    rows = editor_rows(values)
    amounts = [row.get("amount") for row in rows]
    amounts += [b["amount_cents"] for b in values.get("bonus") or []]
    return Template(
        template_name="partnerships/staff/edit.html",
        status_code=status,
        context={
            "partnership": partnership,
            "values": values,
            "rows": rows,
            "errors": row_errors(errors or {}, rows),
            "focus": focus,
            "total": running_total(amounts, values.get("total"), request_locale(request)),
        },
    )
