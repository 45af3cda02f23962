"""JSON API for submissions (API.md: calls/{slug}/submissions, submissions/{id}, me/submissions)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.calls.services import get_call
from challenge.platform import idempotency
from challenge.platform.accounts.guards import login_required, staff_required
from challenge.platform.documents.downloads import download, neutral_filename
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.documents.schemas import DocumentOut, document_out
from challenge.submissions import (
    attachments,
    drafts,
    extensions,
    policies,
    receipts,
    services,
    staff,
    submitting,
)
from challenge.submissions.schemas import (
    ExtensionIn,
    SubmissionIn,
    SubmissionOut,
    SubmissionPatch,
    SubmitIn,
)


async def out(row: dict, viewer=None) -> SubmissionOut:
    """The proposal as JSON; for a juror on a blind call without anything that names the team."""
    call = await services.call_for(row)
    blind = viewer is not None and await policies.reads_blind(viewer, row, call)
    # A juror reads the call's deadline: a team's own extension would single the team out.
    as_juror = viewer is not None and not await policies.may_read_as_team(viewer, row)
    documents = [document_out(d) for d in await services.documents_of(row["id"])]
    if blind:
        # Jurors download a copy without metadata, so the original's hash only links files to teams.
        documents = [
            msgspec.structs.replace(d, filename=neutral_filename(i, d.filename), sha256="")
            for i, d in enumerate(documents, 1)
        ]
    return SubmissionOut(
        id=row["id"],
        call=row["call_slug"],
        organisation_id=UUID(int=0) if blind else row["organisation"],
        organisation="" if blind else row["organisation_name"],
        title=row["title"],
        summary=row["summary"],
        category=row["category"],
        answers=row["answers"] or {},
        status=row["status"],
        version=row["version"],
        reference=row["reference"],
        submitted_at=row["submitted_at"],
        closes_at=call["closes_at"]
        if as_juror
        else await services.deadline_for(call, row["organisation"]),
        documents=documents,
        versions=len(await services.versions(row["id"])),
        challenge=row.get("challenge_key"),
    )


JSON = "application/json"


def claim_of(request: Request, route: str, submission_id: UUID, data) -> idempotency.Claim | None:
    """The request's Idempotency-Key header as a claim (None without the header)."""
    return idempotency.claim_for(
        request.scope["user"].id,
        request.headers.get(idempotency.HEADER),
        route,
        str(submission_id),
        msgspec.to_builtins(data),
    )


async def answered(claim: idempotency.Claim | None, row: dict) -> Response[SubmissionOut]:
    """The proposal as the answer, kept for retries with the same key."""
    body = msgspec.json.encode(await out(row))
    await idempotency.store_answer(claim, HTTP_200_OK, body, JSON)
    return Response(body, status_code=HTTP_200_OK, media_type=JSON)


async def replayed(
    claim: idempotency.Claim, stored: dict, user, submission_id: UUID
) -> Response[SubmissionOut]:
    """The stored answer of a retried request; if it was lost before being stored, the proposal now."""
    if stored["status"]:
        return Response(
            stored["body"].encode(),
            status_code=stored["status"],
            media_type=stored["content_type"] or JSON,
        )
    return await answered(claim, await services.visible(user, submission_id))


class CallSubmissionsApi(Controller):
    path = "/api/v1/calls/{slug:str}"
    tags = ["submissions"]

    @post("/submissions", guards=[login_required], status_code=HTTP_201_CREATED)
    async def create(
        self, request: Request, slug: FromPath[str], data: JSONBody[SubmissionIn]
    ) -> SubmissionOut:
        """Start a draft proposal for a team the caller belongs to."""
        call = await get_call(slug, include_drafts=False)
        return await out(await drafts.create_draft(request.scope["user"], call, data))

    @get("/submissions", guards=[staff_required])
    async def list_for_staff(
        self,
        slug: FromPath[str],
        q: Annotated[str, QueryParameter(max_length=200)] = "",
        status: Annotated[str, QueryParameter(max_length=20)] = "",
        category: Annotated[str, QueryParameter(max_length=100)] = "",
        kind: Annotated[str, QueryParameter(max_length=20)] = "",
        sort: Annotated[str, QueryParameter(max_length=20)] = "reference",
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> dict:
        """Every non-draft proposal of the call, filtered, searched, sorted and paged."""
        call = await get_call(slug, include_drafts=True)
        rows, total = await staff.list_submissions(
            call,
            q=q,
            status=status,
            category=category,
            kind=kind,
            sort=sort,
            page=page,
            per_page=per_page,
        )
        return {"items": rows, "total": total, "page": page, "per_page": per_page}

    @post("/extensions", guards=[staff_required], status_code=HTTP_201_CREATED)
    async def extend(
        self, request: Request, slug: FromPath[str], data: JSONBody[ExtensionIn]
    ) -> dict:
        """Give one team more time (audited, with a reason)."""
        call = await get_call(slug, include_drafts=True)
        return await extensions.grant_extension(
            request.scope["user"], call, data.organisation_id, data.closes_at, data.reason
        )


class SubmissionsApi(Controller):
    path = "/api/v1/submissions/{submission_id:uuid}"
    tags = ["submissions"]
    guards = [login_required]

    @get("/")
    async def detail(self, request: Request, submission_id: FromPath[UUID]) -> SubmissionOut:
        user = request.scope["user"]
        return await out(await services.visible(user, submission_id), viewer=user)

    @patch("/")
    async def update(
        self, request: Request, submission_id: FromPath[UUID], data: JSONBody[SubmissionPatch]
    ) -> Response[SubmissionOut]:
        """Save a draft; 409 version_conflict when another save came first. With an
        Idempotency-Key header a retry answers the stored result (422 idempotency_key_reused
        for the same key with another body)."""
        user = request.scope["user"]
        claim = claim_of(request, "PATCH /api/v1/submissions/{id}", submission_id, data)
        if stored := await idempotency.lookup(claim):
            return await replayed(claim, stored, user, submission_id)
        return await answered(claim, await drafts.update(user, submission_id, data, claim=claim))

    @post("/documents", status_code=HTTP_201_CREATED, request_max_body_size=None)
    async def attach(self, request: Request, submission_id: FromPath[UUID]) -> DocumentOut:
        upload = MultipartUpload(request)
        await upload.start()
        row = await attachments.attach(
            request.scope["user"],
            submission_id,
            request.app.state.storage,
            chunks=upload.chunks(),
            filename=upload.filename or "",
        )
        return document_out(row)

    @delete("/documents/{document_id:uuid}")
    async def detach(
        self, request: Request, submission_id: FromPath[UUID], document_id: FromPath[UUID]
    ) -> None:
        await attachments.detach(
            request.scope["user"], submission_id, document_id, request.app.state.storage
        )

    @post("/submit", status_code=HTTP_200_OK)
    async def submit(
        self, request: Request, submission_id: FromPath[UUID], data: JSONBody[SubmitIn]
    ) -> Response[SubmissionOut]:
        """Submit: a reference on first submit, a frozen version and a mail (the receipt PDF is
        rendered when first downloaded, so the deadline rush is not spent rendering PDFs).
        With an Idempotency-Key header a retry answers the stored result."""
        user = request.scope["user"]
        claim = claim_of(request, "POST /api/v1/submissions/{id}/submit", submission_id, data)
        if stored := await idempotency.lookup(claim):
            return await replayed(claim, stored, user, submission_id)
        row = await submitting.submit(
            user,
            submission_id,
            consent=data.consent_publication,
            base_url=request.app.state.settings.base_url,
            claim=claim,
        )
        return await answered(claim, row)

    @post("/withdraw", status_code=HTTP_200_OK)
    async def withdraw(self, request: Request, submission_id: FromPath[UUID]) -> SubmissionOut:
        return await out(await submitting.withdraw(request.scope["user"], submission_id))

    @get("/receipt.pdf")
    async def receipt(self, request: Request, submission_id: FromPath[UUID]) -> Response:
        await services.team_view(request.scope["user"], submission_id)  # the team's and the staff's
        settings = request.app.state.settings
        document = await receipts.receipt_for(
            request.app.state.storage, submission_id, base_url=settings.base_url
        )
        return await download(request.app.state.storage, settings, document)


@get("/api/v1/me/submissions", guards=[login_required], tags=["submissions"])
async def my_submissions(request: Request) -> list[dict]:
    """The proposals of every team the caller belongs to."""
    return await services.mine(request.scope["user"])
