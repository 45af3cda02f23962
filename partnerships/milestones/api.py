"""JSON API of milestones (evidence, reviews, payments) and the staff's calendar feed (API.md)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.platform.accounts.guards import login_required, role_required, staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.i18n import N_
from challenge.platform.problems import not_found
from partnerships.contracts.schemas import MilestoneOut, milestone_out
from partnerships.milestones import calendar, payments, services, verification

finance_required = role_required("finance")


class ReviewIn(msgspec.Struct, kw_only=True):
    decision: str
    comment: str = ""


class PaymentIn(msgspec.Struct, kw_only=True):
    amount_cents: int
    paid_on: date
    reference: str = ""


class MilestonesApi(Controller):
    path = "/api/v1/milestones/{milestone_id:uuid}"
    tags = ["partnerships"]
    guards = [login_required]

    @post("/evidence", status_code=HTTP_200_OK, request_max_body_size=None)
    async def evidence(self, request: Request, milestone_id: FromPath[UUID]) -> MilestoneOut:
        """The partner's evidence (multipart ``file``, optional field ``note``) → submitted; for
        the open-source bonus the fields ``repository_url``, ``ref`` and ``licence`` (no file
        needed)."""
        row = await services.submit_evidence_upload(
            current_user(request),
            milestone_id,
            request.app.state.storage,
            lambda: MultipartUpload(request),
        )
        return milestone_out(row)

    @get("/")
    async def detail(self, request: Request, milestone_id: FromPath[UUID]) -> dict:
        """A milestone with its evidence, reviews and payments."""
        detail = await services.milestone_detail(current_user(request), milestone_id)
        return {**detail, "milestone": milestone_out(detail["milestone"])}

    @post("/verify-bonus", status_code=HTTP_200_OK, guards=[staff_required])
    async def verify_bonus(self, request: Request, milestone_id: FromPath[UUID]) -> dict:
        """Staff verify the open-source bonus's evidence: {licence, osi_approved, matches_offer,
        by, at}; approval waits until both checks hold (422 ``bonus_not_verified``)."""
        return await verification.verify(request.scope["user"], milestone_id)

    @post("/reviews", status_code=HTTP_200_OK, guards=[staff_required])
    async def review(
        self, request: Request, milestone_id: FromPath[UUID], data: JSONBody[ReviewIn]
    ) -> MilestoneOut:
        """approve | request_changes; ``approved`` once two different staff members approve."""
        return milestone_out(
            await services.review(request.scope["user"], milestone_id, data.decision, data.comment)
        )

    @post("/payments", status_code=HTTP_201_CREATED, guards=[finance_required])
    async def payment(
        self, request: Request, milestone_id: FromPath[UUID], data: JSONBody[PaymentIn]
    ) -> dict:
        """Finance: only for an approved milestone, by someone who reviewed nothing on it, never
        above the tranche or the contract total."""
        row = await payments.record_payment(
            request.scope["user"],
            milestone_id,
            amount_cents=data.amount_cents,
            paid_on=data.paid_on,
            reference=data.reference,
        )
        return {
            "id": row["id"],
            "amount_cents": row["amount_cents"],
            "paid_on": row["paid_on"],
            "reference": row["reference"],
        }


@get(
    "/api/v1/calendar/{token:str}/partnerships.ics",
    tags=["partnerships"],
    media_type="text/calendar",
    summary="All due dates (secret URL)",
    include_in_schema=False,
)
async def staff_feed(request: Request, token: FromPath[str]) -> Response:
    """Every running partnership's due dates, behind the secret feed address."""
    settings = request.app.state.settings
    if not calendar.feed_token_valid(settings, token):
        raise not_found(N_("Calendar not found"))
    body = await calendar.partnership_calendar(None, settings)
    return Response(body, media_type="text/calendar; charset=utf-8")
