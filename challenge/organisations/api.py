"""JSON API for organisations (/api/v1/organisations, /api/v1/me/organisations)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.organisations import services
from challenge.organisations.schemas import (
    AcceptIn,
    InvitationOut,
    InviteIn,
    MemberOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
)
from challenge.platform.accounts.guards import login_required
from challenge.platform.i18n import request_locale


async def out(row: dict, with_members: bool = True) -> OrganisationOut:
    members = [MemberOut(**m) for m in await services.members(row["id"])] if with_members else None
    return OrganisationOut(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        register_id=row["register_id"],
        website=row["website"],
        city=row["city"],
        role=row.get("role"),
        members=members,
    )


@get("/api/v1/me/organisations", guards=[login_required], tags=["organisations"])
async def my_organisations(request: Request) -> list[OrganisationOut]:
    """The organisations the caller belongs to."""
    return [
        await out(row, with_members=False)
        for row in await services.my_organisations(request.scope["user"])
    ]


class OrganisationsApi(Controller):
    path = "/api/v1/organisations"
    tags = ["organisations"]
    guards = [login_required]

    @post("/", status_code=HTTP_201_CREATED)
    async def create(self, request: Request, data: JSONBody[OrganisationIn]) -> OrganisationOut:
        return await out(await services.create_organisation(request.scope["user"], data))

    @get("/{organisation_id:uuid}")
    async def detail(self, request: Request, organisation_id: FromPath[UUID]) -> OrganisationOut:
        return await out(
            await services.visible_organisation(request.scope["user"], organisation_id)
        )

    @patch("/{organisation_id:uuid}")
    async def update(
        self, request: Request, organisation_id: FromPath[UUID], data: JSONBody[OrganisationPatch]
    ) -> OrganisationOut:
        return await out(
            await services.update_organisation(request.scope["user"], organisation_id, data)
        )

    @post("/{organisation_id:uuid}/invitations", status_code=HTTP_201_CREATED)
    async def invite(
        self, request: Request, organisation_id: FromPath[UUID], data: JSONBody[InviteIn]
    ) -> InvitationOut:
        result = await services.invite(
            request.scope["user"],
            organisation_id,
            data.email,
            base_url=request.app.state.settings.base_url,
            locale=request_locale(request),
        )
        return InvitationOut(**result)

    @post("/invitations/accept", status_code=HTTP_200_OK)
    async def accept(self, request: Request, data: JSONBody[AcceptIn]) -> OrganisationOut:
        return await out(await services.accept_invitation(request.scope["user"], data.token))

    @post("/{organisation_id:uuid}/leave", status_code=HTTP_200_OK)
    async def leave(self, request: Request, organisation_id: FromPath[UUID]) -> None:
        await services.leave(request.scope["user"], organisation_id)

    @post("/{organisation_id:uuid}/owners/{user_id:uuid}", status_code=HTTP_200_OK)
    async def make_owner(
        self, request: Request, organisation_id: FromPath[UUID], user_id: FromPath[UUID]
    ) -> OrganisationOut:
        await services.make_owner(request.scope["user"], organisation_id, user_id)
        return await out(
            await services.visible_organisation(request.scope["user"], organisation_id)
        )

    @delete("/{organisation_id:uuid}/members/{user_id:uuid}")
    async def remove(
        self, request: Request, organisation_id: FromPath[UUID], user_id: FromPath[UUID]
    ) -> None:
        await services.remove_member(request.scope["user"], organisation_id, user_id)
