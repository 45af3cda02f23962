"""JSON API for calls (/api/v1/calls)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter

from challenge.calls import services
from challenge.calls.policies import may_see_draft_calls
from challenge.calls.schemas import CallOut, CallPage


class CallsApi(Controller):
    path = "/api/v1/calls"
    tags = ["calls"]

    @get("/", summary="List calls")
    async def list_calls(
        self,
        request: Request,
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> CallPage:
        """Published calls for everyone; staff also see drafts."""
        rows, total = await services.list_calls(
            include_drafts=may_see_draft_calls(request.scope.get("user")),
            page=page,
            per_page=per_page,
        )
        now = services.utcnow()
        return CallPage(
            items=[services.to_out(row, now) for row in rows],
            total=total,
            page=page,
            per_page=per_page,
        )

    @get("/{slug:str}", summary="One call")
    async def get_call(self, request: Request, slug: FromPath[str]) -> CallOut:
        row = await services.get_call(
            slug, include_drafts=may_see_draft_calls(request.scope.get("user"))
        )
        return services.to_out(row, services.utcnow())
