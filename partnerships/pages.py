"""Pages: staff manage contracts, review milestones and see the funding overview; finance records
payments; the partner area shows the contract, what is due, evidence and payments received."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from challenge.organisations.tables import Membership
from challenge.platform.accounts.forms import FormData, errors_of, form_value
from challenge.platform.accounts.guards import login_required, role_required, staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.documents.tables import Document
from challenge.platform.documents.uploads import store_upload
from challenge.platform.i18n import N_, request_locale
from challenge.platform.money import format_amount, money_field
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.platform.security.limits import validated
from partnerships import calendar, charts, delivery, overview, services
from partnerships.api import EVIDENCE_RULES, SIGNED_RULES
from partnerships.tables import Amendment, Evidence, MilestoneReview, Partnership, Payment

staff_or_finance = role_required("staff", "admin", "finance")
BLANK_ROWS = 3
PER_PAGE = 50


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Problem(422, "validation_error", N_("Some fields are missing or invalid."),
                      errors=[FieldError(field, N_("Enter a date as YYYY-MM-DD."))]) from None


def _cents(value: str, field: str, locale: str) -> int:
    return money_field(value, field, locale)


def plan_from_form(data: dict, locale: str = "de") -> services.PlanIn:
    """The editor's fields: the contract, then milestone rows (an empty title removes a row; the
    position numbers order them)."""
    rows = []
    index = 1
    while f"m{index}_title" in data:
        title = form_value(data, f"m{index}_title").strip()
        if title:
            position = form_value(data, f"m{index}_position").strip()
            rows.append((int(position) if position.isdigit() else 1000 + index, index, services.MilestoneIn(
                title=title, deliverables=form_value(data, f"m{index}_deliverables"),
                due_date=_date(form_value(data, f"m{index}_due"), f"m{index}_due"),
                amount_cents=_cents(form_value(data, f"m{index}_amount"), f"m{index}_amount", locale))))
        index += 1
    return validated(services.PlanIn(
        title=form_value(data, "title"), scope=form_value(data, "scope"), city_unit=form_value(data, "city_unit"),
        start_date=_date(form_value(data, "start_date"), "start_date"),
        end_date=_date(form_value(data, "end_date"), "end_date"),
        total_cents=_cents(form_value(data, "total"), "total", locale),
        milestones=[row[2] for row in sorted(rows, key=lambda r: (r[0], r[1]))]))


async def _detail_context(request: Request, partnership: dict) -> dict:
    milestones = await services.milestones_of(partnership["id"])
    ids = [m["id"] for m in milestones] or [UUID(int=0)]
    evidence = await Evidence.select().where(Evidence.milestone.is_in(ids)).order_by(Evidence.created_at)
    reviews = await MilestoneReview.select(MilestoneReview.milestone, MilestoneReview.round, MilestoneReview.decision,
                                           MilestoneReview.comment, MilestoneReview.created_at,
                                           MilestoneReview.reviewer.name.as_alias("reviewer_name"),
                                           MilestoneReview.reviewer).where(
        MilestoneReview.milestone.is_in(ids)).order_by(MilestoneReview.created_at)
    payments = await Payment.select().where(Payment.partnership == partnership["id"]).order_by(Payment.paid_on)
    for m in milestones:
        m["evidence"] = [e for e in evidence if e["milestone"] == m["id"]]
        m["reviews"] = [r for r in reviews if r["milestone"] == m["id"]]
        m["payments"] = [p for p in payments if p["milestone"] == m["id"]]
        m["approvals"] = [r for r in m["reviews"] if r["round"] == m["evidence_round"] and r["decision"] == "approve"]
    amendments = await Amendment.select().output(load_json=True).where(
        Amendment.partnership == partnership["id"]).order_by(Amendment.number)
    documents = await Document.select(Document.id, Document.filename, Document.kind, Document.created_at).where(
        (Document.owner_type == "partnership") & (Document.owner_id == str(partnership["id"]))
        & (Document.status == "stored")).order_by(Document.created_at)
    from challenge.organisations.tables import Organisation

    organisation = await Organisation.select(Organisation.name).where(Organisation.id == partnership["organisation"]).first()
    return {"partnership": partnership, "milestones": milestones, "amendments": amendments, "documents": documents,
            "payments": payments, "organisation": organisation["name"], "errors": {}, "values": {},
            "paid_cents": sum(p["amount_cents"] for p in payments), "user": current_user(request),
            "reference": services.ocid_number(partnership), "today": services.today()}


class StaffPartnershipPages(Controller):
    path = "/staff"
    include_in_schema = False
    guards = [staff_or_finance]

    @get("/partnerships", name="staff_partnerships")
    async def index(self, request: Request, page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1) -> Template:
        settings = request.app.state.settings
        rows = await overview.partnership_list()
        pages = max(1, -(-len(rows) // PER_PAGE))
        page = min(page, pages)
        return Template(template_name="partnerships/staff/list.html", context={
            "rows": rows[(page - 1) * PER_PAGE: page * PER_PAGE], "page": page, "pages": pages, "total": len(rows),
            "feed_url": f"{settings.base_url}/api/v1/calendar/{calendar.feed_token(settings)}/partnerships.ics",
        })

    @get("/funding", name="staff_funding")
    async def funding(self) -> Template:
        data = await overview.funding()
        return Template(template_name="partnerships/staff/funding.html",
                        context={"data": data, "chart": charts.funding_bars(data["groups"])})

    @get("/partnerships/new", guards=[staff_required])
    async def new(self, request: Request, submission: FromQuery[UUID]) -> Template | Redirect:
        existing = await Partnership.select(Partnership.id).where(Partnership.submission == submission).first()
        if existing:
            return Redirect(f"/staff/partnerships/{existing['id']}", status_code=303)
        values = await services.prefill(submission)
        return _editor(None, {**values, "total": format_amount(values["total_cents"], request_locale(request)), "milestones": []})

    @post("/partnerships/new", guards=[staff_required])
    async def create(self, request: Request, data: FormData) -> Template | Redirect:
        try:
            submission_id = UUID(form_value(data, "submission_id"))
        except ValueError:
            raise not_found(N_("Proposal not found")) from None
        try:
            plan = plan_from_form(data, request_locale(request))
            row = await services.create(request.scope["user"], services.PartnershipIn(
                submission_id=submission_id, **msgspec.structs.asdict(plan)))
        except Problem as problem:
            values = {**await services.prefill(submission_id), **_form_values(data)}
            return _editor(None, values, errors=errors_of(problem), status=problem.status)
        return Redirect(f"/staff/partnerships/{row['id']}", status_code=303)

    @get("/partnerships/{partnership_id:uuid}", name="staff_partnership")
    async def detail(self, request: Request, partnership_id: FromPath[UUID]) -> Template:
        partnership = await services.visible(current_user(request), partnership_id)
        return Template(template_name="partnerships/staff/detail.html", context=await _detail_context(request, partnership))

    @get("/partnerships/{partnership_id:uuid}/edit", guards=[staff_required])
    async def edit(self, request: Request, partnership_id: FromPath[UUID]) -> Template:
        partnership = await services.visible(current_user(request), partnership_id)
        milestones = await services.milestones_of(partnership_id)
        locale = request_locale(request)
        values = {**partnership, "total": format_amount(partnership["total_cents"], locale), "milestones": [
            {**m, "amount": format_amount(m["amount_cents"], locale)} for m in milestones]}
        return _editor(partnership, values)

    @post("/partnerships/{partnership_id:uuid}/edit", guards=[staff_required])
    async def save(self, request: Request, partnership_id: FromPath[UUID], data: FormData) -> Template | Redirect:
        partnership = await services.visible(current_user(request), partnership_id)
        try:
            await services.update_plan(request.scope["user"], partnership_id, plan_from_form(data, request_locale(request)))
        except Problem as problem:
            return _editor(partnership, _form_values(data), errors=errors_of(problem), status=problem.status)
        return Redirect(f"/staff/partnerships/{partnership_id}", status_code=303)

    @post("/partnerships/{partnership_id:uuid}/send", guards=[staff_required])
    async def send(self, request: Request, partnership_id: FromPath[UUID]) -> Template | Redirect:
        return await self._act(request, partnership_id, lambda user: services.send(
            user, partnership_id, storage=request.app.state.storage, settings=request.app.state.settings))

    @post("/partnerships/{partnership_id:uuid}/terminate", guards=[staff_required])
    async def terminate(self, request: Request, partnership_id: FromPath[UUID], data: FormData) -> Template | Redirect:
        return await self._act(request, partnership_id,
                               lambda user: services.terminate(user, partnership_id, form_value(data, "reason")))

    @post("/partnerships/{partnership_id:uuid}/amend", guards=[staff_required])
    async def amend(self, request: Request, partnership_id: FromPath[UUID], data: FormData) -> Template | Redirect:
        locale = request_locale(request)

        async def run(user):
            changes = []
            for m in await services.milestones_of(partnership_id):
                due, amount, deliverables = (form_value(data, f"{m['id']}_due"), form_value(data, f"{m['id']}_amount"),
                                             form_value(data, f"{m['id']}_deliverables"))
                change = services.MilestoneChange(id=m["id"])
                if due and _date(due, f"{m['id']}_due") != m["due_date"]:
                    change.due_date = _date(due, f"{m['id']}_due")
                if amount and _cents(amount, f"{m['id']}_amount", locale) != m["amount_cents"]:
                    change.amount_cents = _cents(amount, f"{m['id']}_amount", locale)
                if deliverables != m["deliverables"] and f"{m['id']}_deliverables" in data:
                    change.deliverables = deliverables
                if change.due_date or change.amount_cents is not None or change.deliverables is not None:
                    changes.append(change)
            end = form_value(data, "end_date")
            return await services.amend(user, partnership_id, services.AmendmentIn(
                rationale=form_value(data, "rationale"), milestones=changes,
                end_date=_date(end, "end_date") if end else None,
                total_cents=_cents(form_value(data, "total"), "total", locale) if form_value(data, "total") else None),
                storage=request.app.state.storage, settings=request.app.state.settings)
        return await self._act(request, partnership_id, run)

    @post("/partnerships/{partnership_id:uuid}/signed", guards=[staff_required], request_max_body_size=None)
    async def signed(self, request: Request, partnership_id: FromPath[UUID]) -> Template | Redirect:
        return await self._act(request, partnership_id, lambda user: upload_signed(request, user, partnership_id))

    @post("/milestones/{milestone_id:uuid}/review", guards=[staff_required])
    async def review(self, request: Request, milestone_id: FromPath[UUID], data: FormData) -> Template | Redirect:
        _milestone, partnership = await delivery.milestone_context(milestone_id)
        return await self._act(request, partnership["id"], lambda user: delivery.review(
            user, milestone_id, form_value(data, "decision"), form_value(data, "comment")), anchor=f"m-{milestone_id}")

    @post("/milestones/{milestone_id:uuid}/payment", guards=[role_required("finance")])
    async def payment(self, request: Request, milestone_id: FromPath[UUID], data: FormData) -> Template | Redirect:
        _milestone, partnership = await delivery.milestone_context(milestone_id)
        return await self._act(request, partnership["id"], lambda user: delivery.record_payment(
            user, milestone_id, amount_cents=_cents(form_value(data, "amount"), "amount", request_locale(request)),
            paid_on=_date(form_value(data, "paid_on"), "paid_on"), reference=form_value(data, "reference")),
            anchor=f"m-{milestone_id}")

    async def _act(self, request: Request, partnership_id: UUID, action, anchor: str = "") -> Template | Redirect:
        """Run an action; on a refusal show the page again with the message, nothing changed."""
        partnership = await services.visible(current_user(request), partnership_id)
        try:
            await action(request.scope["user"])
        except Problem as problem:
            context = await _detail_context(request, partnership)
            context["errors"] = errors_of(problem)
            return Template(template_name="partnerships/staff/detail.html", status_code=problem.status, context=context)
        return Redirect(f"/staff/partnerships/{partnership_id}{'#' + anchor if anchor else ''}", status_code=303)


def _form_values(data: dict) -> dict:
    values = {k: form_value(data, k) for k in ("title", "scope", "city_unit", "start_date", "end_date", "total")}
    rows, index = [], 1
    while f"m{index}_title" in data:
        rows.append({"title": form_value(data, f"m{index}_title"), "deliverables": form_value(data, f"m{index}_deliverables"),
                     "due_date": form_value(data, f"m{index}_due"), "amount": form_value(data, f"m{index}_amount"),
                     "position": form_value(data, f"m{index}_position")})
        index += 1
    values["milestones"] = [r for r in rows if r["title"].strip()]
    return values


def _editor(partnership: dict | None, values: dict, *, errors: dict | None = None, status: int = 200) -> Template:
    rows = list(values.get("milestones", []))
    rows += [{} for _ in range(BLANK_ROWS)]
    return Template(template_name="partnerships/staff/edit.html", status_code=status, context={
        "partnership": partnership, "values": values, "rows": rows, "errors": errors or {}})


async def upload_signed(request: Request, user, partnership_id: UUID) -> dict:
    partnership = await services.get(partnership_id)
    if partnership["status"] != "sent":
        raise Problem(409, "invalid_transition", N_("This step is not possible in the partnership's current state."))
    upload = MultipartUpload(request)
    await upload.start()
    document = await store_upload(request.app.state.storage, chunks=upload.chunks(), filename=upload.filename or "",
                                  rules=SIGNED_RULES, owner_type="partnership", owner_id=str(partnership_id),
                                  actor=user, kind="signed_contract")
    return await services.signed_copy(user, partnership_id, document)


class PartnerPages(Controller):
    path = "/partner"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="partner_area")
    async def index(self, request: Request) -> Template:
        user = current_user(request)
        organisations = [m["organisation"] for m in await Membership.select(Membership.organisation).where(
            Membership.user == user.id)]
        rows = [r for r in await overview.partnership_list() if r["id"] in {
            p["id"] for p in await Partnership.select(Partnership.id).where(
                Partnership.organisation.is_in(organisations or [UUID(int=0)]) & (Partnership.status != "draft"))}]
        return Template(template_name="partnerships/partner/list.html", context={"rows": rows})

    @get("/partnerships/{partnership_id:uuid}", name="partner_partnership")
    async def detail(self, request: Request, partnership_id: FromPath[UUID]) -> Template:
        return await _partner_page(request, partnership_id)

    @post("/partnerships/{partnership_id:uuid}/milestones/{milestone_id:uuid}/evidence", request_max_body_size=None)
    async def evidence(self, request: Request, partnership_id: FromPath[UUID], milestone_id: FromPath[UUID]) -> Template | Redirect:
        user = current_user(request)
        partnership = await _partner_partnership(user, partnership_id)
        milestone, owner = await delivery.milestone_context(milestone_id)
        if owner["id"] != partnership["id"]:
            raise not_found(N_("Milestone not found"))
        document = None
        try:
            upload = MultipartUpload(request)
            try:
                await upload.start()
            except Problem as problem:  # no file part at all: a note alone is evidence too
                if problem.code != "validation_error":
                    raise
            else:
                if upload.filename:
                    document = await store_upload(request.app.state.storage, chunks=upload.chunks(),
                                                  filename=upload.filename, rules=EVIDENCE_RULES,
                                                  owner_type="milestone", owner_id=str(milestone_id), actor=user,
                                                  kind="evidence")
                else:  # the browser sends an empty file part when none was chosen
                    async for _chunk in upload.chunks():
                        pass
                await upload.rest()
            await delivery.submit_evidence(user, milestone_id, document, upload.fields.get("note", ""))
        except Problem as problem:
            if document:
                await Document.update({Document.status: "deleted"}).where(Document.id == document["id"])
                await request.app.state.storage.delete(document["storage_key"])
            return await _partner_page(request, partnership_id, errors={**errors_of(problem), "_milestone": str(milestone_id)},
                                       status=problem.status)
        return Redirect(f"/partner/partnerships/{partnership_id}#m-{milestone_id}", status_code=303)

    @post("/partnerships/{partnership_id:uuid}/signed", request_max_body_size=None)
    async def signed(self, request: Request, partnership_id: FromPath[UUID]) -> Template | Redirect:
        user = current_user(request)
        await _partner_partnership(user, partnership_id)
        try:
            await upload_signed(request, user, partnership_id)
        except Problem as problem:
            return await _partner_page(request, partnership_id, errors=errors_of(problem), status=problem.status)
        return Redirect(f"/partner/partnerships/{partnership_id}", status_code=303)


async def _partner_partnership(user, partnership_id: UUID) -> dict:
    """Only the partner organisation's members, and not while a draft: else 404."""
    partnership = await services.get(partnership_id)
    if partnership is None or partnership["status"] == "draft" or not await services.is_member(user, partnership["organisation"]):
        raise not_found(N_("Partnership not found"))
    return partnership


async def _partner_page(request: Request, partnership_id: UUID, *, errors: dict | None = None, status: int = 200) -> Template:
    partnership = await _partner_partnership(current_user(request), partnership_id)
    context = await _detail_context(request, partnership)
    context["errors"] = errors or {}
    return Template(template_name="partnerships/partner/detail.html", status_code=status, context=context)
