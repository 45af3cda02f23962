"""Pages: the personal document library and /verify for documents the portal issued."""

from __future__ import annotations

import hashlib
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents import outcomes, services, uploads
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.documents.rules import library_rules
from challenge.platform.forms import errors_of
from challenge.platform.i18n import N_
from challenge.platform.pdf.codes import normalise_code
from challenge.platform.pdf.verification import find_issued
from challenge.platform.problems import Problem

VERIFY_MAX_BYTES = 50 * 1024 * 1024


class LibraryPages(Controller):
    path = "/account/documents"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="library")
    async def library(
        self,
        request: Request,
        refused: Annotated[str | None, QueryParameter(max_length=40)] = None,
        uploaded: Annotated[str | None, QueryParameter(max_length=1)] = None,
    ) -> Template:
        """The library, with the words for the last upload's outcome (see documents.outcomes)."""
        return Template(
            template_name="base/documents/library.html",
            context={
                "documents": await services.library_of(current_user(request)),
                "errors": outcomes.upload_errors(refused),
                "uploaded": bool(uploaded) and not refused,
                "rules": library_rules(request.app.state.settings),
            },
        )

    @post("/", request_max_body_size=None)
    async def upload(self, request: Request) -> Template | Redirect:
        user = current_user(request)
        try:
            await services.upload_to_library(
                user,
                request.app.state.storage,
                request.app.state.settings,
                MultipartUpload(request),
            )
        except Problem as problem:
            redirect = outcomes.refused("/account/documents", problem)
            if redirect is not None:
                return redirect
            return Template(
                template_name="base/documents/library.html",
                status_code=problem.status,
                context={
                    "documents": await services.library_of(user),
                    "errors": errors_of(problem),
                    "uploaded": False,
                    "rules": library_rules(request.app.state.settings),
                },
            )
        return outcomes.uploaded("/account/documents")

    @get("/{document_id:uuid}/delete")
    async def confirm_delete(self, request: Request, document_id: FromPath[UUID]) -> Template:
        document = await services.library_document(current_user(request), document_id)
        return Template(template_name="base/documents/delete.html", context={"document": document})

    @post("/{document_id:uuid}/delete")
    async def delete(self, request: Request, document_id: FromPath[UUID]) -> Redirect:
        document = await services.library_document(current_user(request), document_id)
        await uploads.delete_document(request.app.state.storage, document, current_user(request))
        return Redirect("/account/documents", status_code=303)


class VerifyPages(Controller):
    path = "/verify"
    include_in_schema = False

    @get("/", name="verify")
    async def verify(self, code: Annotated[str, QueryParameter(max_length=40)] = "") -> Template:
        """Enter the printed code (or upload the PDF) to see whether the portal issued it."""
        result, checked = None, bool(code.strip())
        if checked:
            normalised = normalise_code(code)
            result = await find_issued(code=normalised) if normalised else None
        return Template(
            template_name="base/documents/verify.html",
            context={"code": code, "checked": checked, "result": result, "by": "code"},
        )

    @post("/", request_max_body_size=None)
    async def verify_upload(self, request: Request) -> Template:
        """Compare an uploaded PDF byte for byte (by SHA-256) with what the portal issued."""
        upload = MultipartUpload(request)
        await upload.start()
        digest, size = hashlib.sha256(), 0
        async for chunk in upload.chunks():
            size += len(chunk)
            if size > VERIFY_MAX_BYTES:
                raise Problem(413, "file_too_large", N_("The file is larger than allowed."))
            digest.update(chunk)
        result = await find_issued(sha256=digest.hexdigest()) if size else None
        return Template(
            template_name="base/documents/verify.html",
            context={
                "code": "",
                "checked": True,
                "result": result,
                "by": "file",
                "sha256": digest.hexdigest(),
            },
        )
