"""JSON API of partnerships: contracts, sending, the signed copy, amendments, termination and
one partnership's calendar (API.md)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.platform.accounts.guards import login_required, role_required, staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents.downloads import download
from challenge.platform.documents.multipart import MultipartUpload
from partnerships.contracts import amendments as amending
from partnerships.contracts import services, signing
from partnerships.contracts.schemas import (
    AmendmentIn,
    PartnershipIn,
    PartnershipOut,
    PlanIn,
    TerminateIn,
    amendment_out,
    milestone_out,
)
from partnerships.milestones import calendar
from partnerships.opendata import overview

staff_or_finance = role_required("staff", "admin", "finance")


async def partnership_out(row: dict, prefix: str) -> PartnershipOut:
    """A partnership as the API shows it, with its milestones."""
    return PartnershipOut(
        id=row["id"],
        ocid=await services.process_ocid(prefix, row),
        kind=row["kind"],
        status=row["status"],
        submission_id=row["submission"],
        organisation_id=row["organisation"],
        title=row["title"],
        scope=row["scope"],
        city_unit=row["city_unit"],
        start_date=row["start_date"],
        end_date=row["end_date"],
        total_cents=row["total_cents"],
        plan_version=row["plan_version"],
        signed_sha256=row["signed_sha256"],
        sent_at=row["sent_at"],
        signed_at=row["signed_at"],
        milestones=[milestone_out(m) for m in await services.milestones_of(row["id"])],
    )


class PartnershipsApi(Controller):
    path = "/api/v1/partnerships"
    tags = ["partnerships"]
    guards = [login_required]

    @post("/", status_code=HTTP_201_CREATED, guards=[staff_required])
    async def create(self, request: Request, data: JSONBody[PartnershipIn]) -> PartnershipOut:
        """A draft contract from an awarded entry."""
        row = await services.create(request.scope["user"], data)
        return await partnership_out(row, request.app.state.settings.ocds_prefix)

    @get("/", guards=[staff_or_finance])
    async def list_all(self, request: Request) -> list[dict]:
        """Every partnership with status, next due date and overdue flags."""
        return await overview.partnership_list()

    @get("/{partnership_id:uuid}")
    async def detail(self, request: Request, partnership_id: FromPath[UUID]) -> PartnershipOut:
        row = await services.visible(current_user(request), partnership_id)
        return await partnership_out(row, request.app.state.settings.ocds_prefix)

    @put("/{partnership_id:uuid}", guards=[staff_required])
    async def update(
        self, request: Request, partnership_id: FromPath[UUID], data: JSONBody[PlanIn]
    ) -> PartnershipOut:
        """Change a draft's plan: milestones are added, removed and reordered by sending the list."""
        row = await services.update_plan(request.scope["user"], partnership_id, data)
        return await partnership_out(row, request.app.state.settings.ocds_prefix)

    @get("/{partnership_id:uuid}/contract.pdf")
    async def contract(self, request: Request, partnership_id: FromPath[UUID]) -> Response:
        document = await services.contract_document(current_user(request), partnership_id)
        return await download(request.app.state.storage, request.app.state.settings, document)

    @post("/{partnership_id:uuid}/send", status_code=HTTP_200_OK, guards=[staff_required])
    async def send(self, request: Request, partnership_id: FromPath[UUID]) -> PartnershipOut:
        """draft → sent: the contract PDF is issued and the partner's members are notified."""
        row = await services.send(
            request.scope["user"],
            partnership_id,
            storage=request.app.state.storage,
            settings=request.app.state.settings,
        )
        return await partnership_out(row, request.app.state.settings.ocds_prefix)

    @post("/{partnership_id:uuid}/signed", status_code=HTTP_200_OK, request_max_body_size=None)
    async def signed(self, request: Request, partnership_id: FromPath[UUID]) -> PartnershipOut:
        """The countersigned PDF (multipart ``file``), by staff or the partner: its SHA-256 is kept
        and the partnership becomes active."""
        user = current_user(request)
        await services.visible(user, partnership_id)
        row = await signing.attach_signed_copy(
            user, partnership_id, request.app.state.storage, lambda: MultipartUpload(request)
        )
        return await partnership_out(row, request.app.state.settings.ocds_prefix)

    @post(
        "/{partnership_id:uuid}/amendments", status_code=HTTP_201_CREATED, guards=[staff_required]
    )
    async def amend(
        self, request: Request, partnership_id: FromPath[UUID], data: JSONBody[AmendmentIn]
    ) -> dict:
        """A numbered amendment with rationale and change set; a new PDF; the partner is notified."""
        row = await amending.amend(
            request.scope["user"],
            partnership_id,
            data,
            storage=request.app.state.storage,
            settings=request.app.state.settings,
        )
        return amendment_out(row)

    @get("/{partnership_id:uuid}/amendments")
    async def amendments(self, request: Request, partnership_id: FromPath[UUID]) -> list[dict]:
        """Every version of the plan: each amendment with the plan before and after it."""
        return [
            amendment_out(r)
            for r in await amending.amendments_of(current_user(request), partnership_id)
        ]

    @post("/{partnership_id:uuid}/terminate", status_code=HTTP_200_OK, guards=[staff_required])
    async def terminate(
        self, request: Request, partnership_id: FromPath[UUID], data: JSONBody[TerminateIn]
    ) -> PartnershipOut:
        await services.visible(current_user(request), partnership_id)
        row = await services.terminate(request.scope["user"], partnership_id, data.reason)
        return await partnership_out(row, request.app.state.settings.ocds_prefix)

    @get("/{partnership_id:uuid}/calendar.ics", media_type="text/calendar")
    async def ics(self, request: Request, partnership_id: FromPath[UUID]) -> Response:
        row = await services.visible(current_user(request), partnership_id)
        body = await calendar.partnership_calendar([row], request.app.state.settings)
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="partnerschaft-{row["number"]}.ics"'
            },
        )
