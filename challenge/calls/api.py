"""JSON API for calls (/api/v1/calls)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.calls import editing, services
from challenge.calls.policies import may_see_draft_calls
from challenge.calls.schemas import CallIn, CallOut, CallPage, CallPatch
from challenge.platform import clock
from challenge.platform.accounts.guards import staff_required
from challenge.platform.documents.rules import MB


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
        now = clock.now()
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
        return services.to_out(row, clock.now())

    @post(
        "/", guards=[staff_required], status_code=HTTP_201_CREATED, summary="Create a call (draft)"
    )
    async def create_call(self, request: Request, data: JSONBody[CallIn]) -> CallOut:
        row = await editing.create_call(
            request.scope["user"], data, max_upload_bytes=_max_upload(request)
        )
        return services.to_out(row, clock.now())

    @patch("/{slug:str}", guards=[staff_required], summary="Change a call")
    async def update_call(
        self, request: Request, slug: FromPath[str], data: JSONBody[CallPatch]
    ) -> CallOut:
        row = await editing.update_call(
            request.scope["user"], slug, data, max_upload_bytes=_max_upload(request)
        )
        return services.to_out(row, clock.now())

    @post(
        "/{slug:str}/publish",
        guards=[staff_required],
        status_code=HTTP_200_OK,
        summary="Publish a call",
    )
    async def publish_call(self, request: Request, slug: FromPath[str]) -> CallOut:
        row = await editing.publish_call(request.scope["user"], slug)
        return services.to_out(row, clock.now())


def _max_upload(request: Request) -> int:
    return request.app.state.settings.upload_max_mb * MB
