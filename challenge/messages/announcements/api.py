"""JSON API of announcements (/work/shared/API.md, "Messages"): staff write to a group of a call.

`POST /api/v1/calls/{slug}/announcements` answers 202 with the number of people reached; the
mails go out through a background job and the outbox. `…/announcements/preview` counts and
renders without sending.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from challenge.calls.services import get_call
from challenge.messages.announcements import service
from challenge.platform import idempotency
from challenge.platform.accounts.guards import staff_required
from challenge.platform.pagination import Page


class Localised(msgspec.Struct):
    de: str = ""
    en: str = ""


class AnnouncementIn(msgspec.Struct, kw_only=True):
    audience: str
    subject: Localised
    body: Localised


class AnnouncementOut(msgspec.Struct):
    id: UUID
    audience: str
    subject: Localised
    recipients: int
    mailed: int
    status: str
    created_at: datetime


class PreviewOut(msgspec.Struct):
    recipients: int
    subject: Localised
    text: Localised


def announcement_out(row: dict) -> AnnouncementOut:
    """An announcement as the API returns it."""
    return AnnouncementOut(
        id=row["id"],
        audience=row["audience"],
        subject=Localised(de=row["subject_de"], en=row["subject_en"]),
        recipients=row["recipients"],
        mailed=row.get("mailed", 0),
        status=row["status"],
        created_at=row["created_at"],
    )


def _parts(data: AnnouncementIn) -> tuple[str, dict, dict]:
    return (
        data.audience,
        {"de": data.subject.de, "en": data.subject.en},
        {"de": data.body.de, "en": data.body.en},
    )


class AnnouncementsApi(Controller):
    path = "/api/v1/calls/{slug:str}/announcements"
    tags = ["messages"]
    guards = [staff_required]

    @post("/", status_code=HTTP_202_ACCEPTED, summary="Send an announcement to a group")
    async def create(
        self, request: Request, slug: FromPath[str], data: JSONBody[AnnouncementIn]
    ) -> AnnouncementOut:
        call = await get_call(slug, include_drafts=True)
        row = await service.create(
            request.scope["user"],
            call,
            *_parts(data),
            key=request.headers.get(idempotency.HEADER),
        )
        return announcement_out(row)

    @post("/preview", status_code=HTTP_200_OK, summary="Count and render without sending")
    async def preview(
        self, request: Request, slug: FromPath[str], data: JSONBody[AnnouncementIn]
    ) -> PreviewOut:
        call = await get_call(slug, include_drafts=True)
        found = await service.preview(call, *_parts(data), request.app.state.settings)
        mails = found["mails"]
        return PreviewOut(
            recipients=found["recipients"],
            subject=Localised(de=mails["de"][0], en=mails["en"][0]),
            text=Localised(de=mails["de"][1], en=mails["en"][1]),
        )

    @get("/", summary="The call's announcements, newest first")
    async def list_announcements(self, slug: FromPath[str], page: Page = 1) -> dict:
        call = await get_call(slug, include_drafts=True)
        found = await service.of_call(call["id"], page)
        return {**found, "items": [announcement_out(row) for row in found["items"]]}
