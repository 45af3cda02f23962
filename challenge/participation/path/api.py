"""JSON API of a problem's path (issue 21, point 3): staff and the city's units turn a problem
into a challenge draft or link it to a challenge; staff remove the link."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from challenge.participation.path import service
from challenge.platform.accounts.guards import login_required


class DraftIn(msgspec.Struct, kw_only=True):
    unit_id: UUID | None = None


class DraftOut(msgspec.Struct):
    challenge_id: UUID
    href: str


class LinkIn(msgspec.Struct, kw_only=True):
    challenge_id: UUID


class LinkOut(msgspec.Struct):
    challenge_id: UUID


class ProblemPathApi(Controller):
    path = "/api/v1/participation/problems"
    tags = ["participation"]
    guards = [login_required]

    @post(
        "/{problem_id:uuid}/challenge",
        status_code=HTTP_201_CREATED,
        summary="Turn a published problem into a challenge draft (staff, a unit's members)",
    )
    async def create_draft(
        self, request: Request, problem_id: FromPath[UUID], data: JSONBody[DraftIn]
    ) -> DraftOut:
        created = await service.create_draft(request.user, problem_id, data.unit_id)
        return DraftOut(challenge_id=created["challenge_id"], href=created["href"])

    @put(
        "/{problem_id:uuid}/link",
        status_code=HTTP_200_OK,
        summary="Link a published problem to an existing challenge (staff, a unit's members)",
    )
    async def link(
        self, request: Request, problem_id: FromPath[UUID], data: JSONBody[LinkIn]
    ) -> LinkOut:
        linked = await service.link(request.user, problem_id, data.challenge_id)
        return LinkOut(challenge_id=linked["challenge_id"])

    @delete(
        "/{problem_id:uuid}/link",
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove the problem's link to a challenge (staff)",
    )
    async def unlink(self, request: Request, problem_id: FromPath[UUID]) -> None:
        await service.unlink(request.user, problem_id)
