"""JSON API of the offer (shared/API.md, "Development phase and pilots"): read and save the
draft, submit it, its presentation PDF and receipt, and the OSI-approved licences."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents.downloads import download
from challenge.platform.documents.multipart import MultipartUpload
from partnerships.development.offers import services, submitting
from partnerships.development.rules import osi_licences
from partnerships.development.schemas import OfferIn


async def offer_out(entry: dict, row: dict | None) -> dict:
    """An offer as the API shows it (the defaults with version 0 before the first save)."""
    row = row or services.empty_offer(entry["id"])
    presentation = await submitting.presentation_of(row)
    return {
        "submission_id": entry["id"],
        "challenge": entry["challenge"]["key"],
        "status": row["status"],
        "version": row["version"],
        **{k: row[k] for k in services.CONTENT},
        "total_cents": row["total_cents"],
        "presentation": (
            {
                "document_id": presentation["id"],
                "filename": presentation["filename"],
                "sha256": presentation["sha256"],
            }
            if presentation
            else None
        ),
        "sha256": row["sha256"] or None,
        "submitted_at": row["submitted_at"],
        "offer_due_at": await services.due_at(entry),
        "limits": {
            "pilot_months": entry["challenge"]["pilot_months"],
            "pilot_budget_cents": entry["challenge"]["pilot_budget_cents"],
        },
    }


class OfferApi(Controller):
    path = "/api/v1/submissions/{submission_id:uuid}/offer"
    tags = ["development"]
    guards = [login_required]

    @get("/")
    async def detail(self, request: Request, submission_id: FromPath[UUID]) -> dict:
        """The offer (team, owning unit, staff)."""
        entry = await services.readable(current_user(request), submission_id)
        return await offer_out(entry, await services.load(submission_id))

    @put("/")
    async def save(
        self, request: Request, submission_id: FromPath[UUID], data: JSONBody[OfferIn]
    ) -> dict:
        """The team's draft (``version: 0`` creates it); 409 ``version_conflict``; 422 when the
        totals or months exceed the challenge's."""
        entry, row = await services.save(current_user(request), submission_id, data)
        return await offer_out(entry, row)

    @post("/submit", status_code=HTTP_200_OK)
    async def submit(self, request: Request, submission_id: FromPath[UUID]) -> dict:
        """Frozen with ``sha256``; 422 ``deadline_passed`` after ``offer_due_at``."""
        user = current_user(request)
        row = await submitting.submit(
            user, submission_id, base_url=request.app.state.settings.base_url
        )
        return await offer_out(await services.readable(user, submission_id), row)

    @post("/presentation", status_code=HTTP_200_OK, request_max_body_size=None)
    async def presentation(self, request: Request, submission_id: FromPath[UUID]) -> dict:
        """The presentation PDF (multipart ``file``) of the draft; refused once submitted."""
        user = current_user(request)
        row = await submitting.attach_presentation(
            user, submission_id, request.app.state.storage, lambda: MultipartUpload(request)
        )
        return await offer_out(await services.readable(user, submission_id), row)

    @get("/receipt")
    async def receipt(self, request: Request, submission_id: FromPath[UUID]) -> Response:
        """The receipt PDF of the submitted offer."""
        entry = await services.readable(current_user(request), submission_id)
        document = await submitting.receipt_for(
            request.app.state.storage,
            entry,
            await services.load(submission_id),
            base_url=request.app.state.settings.base_url,
        )
        return await download(request.app.state.storage, request.app.state.settings, document)


@get("/api/v1/licences", tags=["development"], summary="OSI-approved SPDX licences")
async def licence_list() -> list[dict]:
    """The OSI-approved, current SPDX licences shipped with the portal: id and name."""
    return [{"id": row["id"], "name": row["name"]} for row in osi_licences()]
