"""JSON API of partnerships, milestones, payments and calendars (API.md)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.platform.accounts.guards import login_required, role_required, staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents.downloads import download
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.documents.rules import UploadRules
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import store_upload
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem, not_found
from partnerships import calendar, delivery, overview, services
from partnerships.tables import Amendment, Evidence, MilestoneReview, Payment

MB = 1024 * 1024
# A signed copy is the portal's own PDF/A-3 contract (its OCDS release embedded) signed and sent back.
SIGNED_RULES = UploadRules(allowed_types=("application/pdf",), max_bytes=30 * MB, max_files=20,
                           allow_embedded_files=True)
EVIDENCE_RULES = UploadRules(max_bytes=50 * MB, max_files=200)
staff_or_finance = role_required("staff", "admin", "finance")
finance_required = role_required("finance")


class MilestoneOut(msgspec.Struct):
    id: UUID
    position: int
    title: str
    deliverables: str
    due_date: date
    amount_cents: int
    status: str
    overdue: bool
    paid_cents: int


class PartnershipOut(msgspec.Struct):
    id: UUID
    ocid: str
    status: str
    submission_id: UUID
    organisation_id: UUID
    title: str
    scope: str
    city_unit: str
    start_date: date
    end_date: date
    total_cents: int
    plan_version: int
    signed_sha256: str
    sent_at: datetime | None
    signed_at: datetime | None
    milestones: list[MilestoneOut]


class TerminateIn(msgspec.Struct):
    reason: str


class ReviewIn(msgspec.Struct, kw_only=True):
    decision: str
    comment: str = ""


class PaymentIn(msgspec.Struct, kw_only=True):
    amount_cents: int
    paid_on: date
    reference: str = ""


def milestone_out(row: dict) -> MilestoneOut:
    return MilestoneOut(id=row["id"], position=row["position"], title=row["title"], deliverables=row["deliverables"],
                        due_date=row["due_date"], amount_cents=row["amount_cents"], status=row["status"],
                        overdue=services.overdue(row), paid_cents=row["paid_cents"])


async def partnership_out(row: dict, prefix: str) -> PartnershipOut:
    from partnerships.ocds import ocid

    return PartnershipOut(
        id=row["id"], ocid=ocid(prefix, row), status=row["status"], submission_id=row["submission"],
        organisation_id=row["organisation"], title=row["title"], scope=row["scope"], city_unit=row["city_unit"],
        start_date=row["start_date"], end_date=row["end_date"], total_cents=row["total_cents"],
        plan_version=row["plan_version"], signed_sha256=row["signed_sha256"], sent_at=row["sent_at"],
        signed_at=row["signed_at"], milestones=[milestone_out(m) for m in await services.milestones_of(row["id"])])


class PartnershipsApi(Controller):
    path = "/api/v1/partnerships"
    tags = ["partnerships"]
    guards = [login_required]

    @post("/", status_code=HTTP_201_CREATED, guards=[staff_required])
    async def create(self, request: Request, data: JSONBody[services.PartnershipIn]) -> PartnershipOut:
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
    async def update(self, request: Request, partnership_id: FromPath[UUID], data: JSONBody[services.PlanIn]) -> PartnershipOut:
        """Change a draft's plan: milestones are added, removed and reordered by sending the list."""
        row = await services.update_plan(request.scope["user"], partnership_id, data)
        return await partnership_out(row, request.app.state.settings.ocds_prefix)

    @get("/{partnership_id:uuid}/contract.pdf")
    async def contract(self, request: Request, partnership_id: FromPath[UUID]) -> Response:
        row = await services.visible(current_user(request), partnership_id)
        if row["contract_document"] is None:
            raise not_found(N_("The contract is issued when it is sent."))
        document = await Document.select().where(Document.id == row["contract_document"]).first()
        return await download(request.app.state.storage, request.app.state.settings, document)

    @post("/{partnership_id:uuid}/send", status_code=HTTP_200_OK, guards=[staff_required])
    async def send(self, request: Request, partnership_id: FromPath[UUID]) -> PartnershipOut:
        """draft → sent: the contract PDF is issued and the partner's members are notified."""
        row = await services.send(request.scope["user"], partnership_id, storage=request.app.state.storage,
                                  settings=request.app.state.settings)
        return await partnership_out(row, request.app.state.settings.ocds_prefix)

    @post("/{partnership_id:uuid}/signed", status_code=HTTP_200_OK, request_max_body_size=None)
    async def signed(self, request: Request, partnership_id: FromPath[UUID]) -> PartnershipOut:
        """The countersigned PDF (multipart ``file``), by staff or the partner: its SHA-256 is kept
        and the partnership becomes active."""
        user = current_user(request)
        row = await services.visible(user, partnership_id)
        if not (services.is_staff(user) or await services.is_member(user, row["organisation"])):
            raise Problem(403, "forbidden", N_("You are not allowed to do this."))
        if row["status"] != "sent":
            raise Problem(409, "invalid_transition", N_("This step is not possible in the partnership's current state."),
                          extra={"status": row["status"], "target": "signed"})
        upload = MultipartUpload(request)
        await upload.start()
        document = await store_upload(request.app.state.storage, chunks=upload.chunks(), filename=upload.filename or "",
                                      rules=SIGNED_RULES, owner_type="partnership", owner_id=str(partnership_id),
                                      actor=user, kind="signed_contract")
        try:
            row = await services.signed_copy(user, partnership_id, document)
        except Problem:
            await Document.update({Document.status: "deleted"}).where(Document.id == document["id"])
            await request.app.state.storage.delete(document["storage_key"])
            raise
        return await partnership_out(row, request.app.state.settings.ocds_prefix)

    @post("/{partnership_id:uuid}/amendments", status_code=HTTP_201_CREATED, guards=[staff_required])
    async def amend(self, request: Request, partnership_id: FromPath[UUID], data: JSONBody[services.AmendmentIn]) -> dict:
        """A numbered amendment with rationale and change set; a new PDF; the partner is notified."""
        row = await services.amend(request.scope["user"], partnership_id, data, storage=request.app.state.storage,
                                   settings=request.app.state.settings)
        return {"number": row["number"], "rationale": row["rationale"], "document_id": row["document"],
                "plan_before": row["plan_before"], "plan_after": row["plan_after"], "created_at": row["created_at"]}

    @get("/{partnership_id:uuid}/amendments")
    async def amendments(self, request: Request, partnership_id: FromPath[UUID]) -> list[dict]:
        """Every version of the plan: each amendment with the plan before and after it."""
        await services.visible(current_user(request), partnership_id)
        rows = await Amendment.select().output(load_json=True).where(Amendment.partnership == partnership_id).order_by(Amendment.number)
        return [{"number": r["number"], "rationale": r["rationale"], "document_id": r["document"],
                 "plan_before": r["plan_before"], "plan_after": r["plan_after"], "created_at": r["created_at"]}
                for r in rows]

    @post("/{partnership_id:uuid}/terminate", status_code=HTTP_200_OK, guards=[staff_required])
    async def terminate(self, request: Request, partnership_id: FromPath[UUID], data: JSONBody[TerminateIn]) -> PartnershipOut:
        await services.visible(current_user(request), partnership_id)
        row = await services.terminate(request.scope["user"], partnership_id, data.reason)
        return await partnership_out(row, request.app.state.settings.ocds_prefix)

    @get("/{partnership_id:uuid}/calendar.ics", media_type="text/calendar")
    async def ics(self, request: Request, partnership_id: FromPath[UUID]) -> Response:
        row = await services.visible(current_user(request), partnership_id)
        body = await calendar.partnership_calendar([row], request.app.state.settings)
        return Response(body, media_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="partnerschaft-{row["number"]}.ics"'})


class MilestonesApi(Controller):
    path = "/api/v1/milestones/{milestone_id:uuid}"
    tags = ["partnerships"]
    guards = [login_required]

    @post("/evidence", status_code=HTTP_200_OK, request_max_body_size=None)
    async def evidence(self, request: Request, milestone_id: FromPath[UUID]) -> MilestoneOut:
        """The partner's evidence (multipart ``file``, optional field ``note``) → submitted."""
        user = current_user(request)
        milestone, partnership = await delivery.milestone_context(milestone_id)
        if not await services.is_member(user, partnership["organisation"]):
            raise not_found(N_("Milestone not found"))
        upload = MultipartUpload(request)
        await upload.start()
        document = await store_upload(request.app.state.storage, chunks=upload.chunks(), filename=upload.filename or "",
                                      rules=EVIDENCE_RULES, owner_type="milestone", owner_id=str(milestone_id),
                                      actor=user, kind="evidence")
        await upload.rest()
        try:
            row = await delivery.submit_evidence(user, milestone_id, document, upload.fields.get("note", ""))
        except Problem:
            await Document.update({Document.status: "deleted"}).where(Document.id == document["id"])
            await request.app.state.storage.delete(document["storage_key"])
            raise
        return milestone_out(row)

    @get("/")
    async def detail(self, request: Request, milestone_id: FromPath[UUID]) -> dict:
        """A milestone with its evidence, reviews and payments."""
        milestone, partnership = await delivery.milestone_context(milestone_id)
        await services.visible(current_user(request), partnership["id"])
        evidence = await Evidence.select(Evidence.round, Evidence.document, Evidence.note, Evidence.created_at).where(
            Evidence.milestone == milestone_id).order_by(Evidence.created_at)
        reviews = await MilestoneReview.select(MilestoneReview.round, MilestoneReview.decision, MilestoneReview.comment,
                                               MilestoneReview.created_at).where(
            MilestoneReview.milestone == milestone_id).order_by(MilestoneReview.created_at)
        payments = await Payment.select(Payment.amount_cents, Payment.paid_on, Payment.reference).where(
            Payment.milestone == milestone_id).order_by(Payment.paid_on)
        return {"milestone": milestone_out(milestone), "evidence": evidence, "reviews": reviews, "payments": payments}

    @post("/reviews", status_code=HTTP_200_OK, guards=[staff_required])
    async def review(self, request: Request, milestone_id: FromPath[UUID], data: JSONBody[ReviewIn]) -> MilestoneOut:
        """approve | request_changes; ``approved`` once two different staff members approve."""
        return milestone_out(await delivery.review(request.scope["user"], milestone_id, data.decision, data.comment))

    @post("/payments", status_code=HTTP_201_CREATED, guards=[finance_required])
    async def payment(self, request: Request, milestone_id: FromPath[UUID], data: JSONBody[PaymentIn]) -> dict:
        """Finance: only for an approved milestone, by someone who reviewed nothing on it, never
        above the tranche or the contract total."""
        row = await delivery.record_payment(request.scope["user"], milestone_id, amount_cents=data.amount_cents,
                                            paid_on=data.paid_on, reference=data.reference)
        return {"id": row["id"], "amount_cents": row["amount_cents"], "paid_on": row["paid_on"],
                "reference": row["reference"]}


@get("/api/v1/funding", tags=["partnerships"], guards=[staff_or_finance], summary="Funding per call and year")
async def funding() -> dict:
    """Committed, approved and disbursed per call and year; payment latency in days."""
    return await overview.funding()


@get("/api/v1/calendar/{token:str}/partnerships.ics", tags=["partnerships"], media_type="text/calendar",
     summary="All due dates (secret URL)", include_in_schema=False)
async def staff_feed(request: Request, token: FromPath[str]) -> Response:
    settings = request.app.state.settings
    if not calendar.feed_token_valid(settings, token):
        raise not_found(N_("Calendar not found"))
    body = await calendar.partnership_calendar(None, settings)
    return Response(body, media_type="text/calendar; charset=utf-8")
