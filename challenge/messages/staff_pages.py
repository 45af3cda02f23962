"""The staff's list of conversations (/staff/messages): every thread on proposals, workspaces and
partnerships, newest first, 50 a page, unread ones marked (or only those); HTMX refreshes the
list (a request with ``HX-Request`` gets the list alone)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from challenge.messages import inbox
from challenge.platform.accounts.guards import staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.pagination import Page


class StaffMessagePages(Controller):
    """The staff's inbox."""

    path = "/staff/messages"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_messages")
    async def inbox(
        self,
        request: Request,
        page: Page = 1,
        unread: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        context = await inbox.newest(current_user(request), page=page, unread_only=unread)
        fragment = bool(request.headers.get("hx-request"))
        return Template(
            template_name="messages/_inbox_list.html" if fragment else "messages/inbox.html",
            context=context,
            headers={"Vary": "HX-Request"},
        )
