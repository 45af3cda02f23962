"""JSON API: /api/v1/documents/{id} downloads, and the personal document library."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents import direct, services, uploads
from challenge.platform.documents.downloads import download, download_redacted
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.documents.policies import display_filename, reads_redacted
from challenge.platform.documents.rules import library_rules
from challenge.platform.documents.schemas import (
    ConfirmIn,
    DirectUploadIn,
    DirectUploadOut,
    DocumentOut,
    document_out,
)


@get("/api/v1/documents/{document_id:uuid}", tags=["documents"], summary="Download a document")
async def download_document(request: Request, document_id: FromPath[UUID]) -> Response:
    """The file as an attachment, or a redirect to a short-lived presigned URL; readers the
    owner marks as redacted (jurors) get a PDF without its metadata, streamed."""
    user = current_user(request)
    document = await services.readable_document(user, document_id)
    document = {**document, "filename": await display_filename(user, document)}
    if await reads_redacted(user, document):  # jurors: a copy without identifying metadata
        return await download_redacted(request.app.state.storage, document)
    return await download(request.app.state.storage, request.app.state.settings, document)


class LibraryApi(Controller):
    path = "/api/v1/me/documents"
    tags = ["documents"]
    guards = [login_required]

    @get("/")
    async def list_documents(self, request: Request) -> list[DocumentOut]:
        return [document_out(row) for row in await services.library_of(current_user(request))]

    @post("/", status_code=HTTP_201_CREATED, request_max_body_size=None)
    async def upload(self, request: Request) -> DocumentOut:
        """Upload a file (multipart field ``file``), streamed to storage."""
        row = await services.upload_to_library(
            current_user(request),
            request.app.state.storage,
            request.app.state.settings,
            MultipartUpload(request),
        )
        return document_out(row)

    @post("/direct", status_code=HTTP_201_CREATED)
    async def start_direct(
        self, request: Request, data: JSONBody[DirectUploadIn]
    ) -> DirectUploadOut:
        """Large files: where to POST straight to S3 (mode "direct"), or "stream" locally."""
        user = current_user(request)
        result = await direct.start_direct_upload(
            request.app.state.storage,
            filename=data.filename,
            content_type=data.content_type,
            size=data.size,
            rules=library_rules(request.app.state.settings),
            owner_type="user",
            owner_id=str(user.id),
            actor=user,
        )
        return DirectUploadOut(**result)

    @post("/{document_id:uuid}/confirm", status_code=HTTP_200_OK)
    async def confirm_direct(
        self, request: Request, document_id: FromPath[UUID], data: JSONBody[ConfirmIn]
    ) -> DocumentOut:
        user = current_user(request)
        row = await direct.confirm_direct_upload(
            request.app.state.storage,
            document_id=document_id,
            sha256=data.sha256,
            rules=library_rules(request.app.state.settings),
            owner_type="user",
            owner_id=str(user.id),
            actor=user,
        )
        return document_out(row)

    @delete("/{document_id:uuid}")
    async def delete_document(self, request: Request, document_id: FromPath[UUID]) -> None:
        user = current_user(request)
        document = await services.library_document(user, document_id)
        await uploads.delete_document(request.app.state.storage, document, user)
