"""Pages: staff review milestones, finance records payments, the partner hands in evidence."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.platform.accounts import stepup
from challenge.platform.accounts.guards import login_required, role_required, staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import request_locale
from challenge.platform.problems import Problem
from partnerships.contracts import services as contracts
from partnerships.contracts.forms import form_cents, form_date
from partnerships.contracts.views import act, partner_page
from partnerships.milestones import payments, services, verification

staff_or_finance = role_required("staff", "admin", "finance")


class StaffMilestonePages(Controller):
    path = "/staff"
    include_in_schema = False
    guards = [staff_or_finance]

    @post("/milestones/{milestone_id:uuid}/review", guards=[staff_required])
    async def review(
        self, request: Request, milestone_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        _milestone, partnership = await services.milestone_context(milestone_id)
        if form_value(data, "decision") == "approve" and (
            asking := await stepup.page_step_up(request, data)
        ):
            return asking
        return await act(
            request,
            partnership["id"],
            lambda user: services.review(
                user, milestone_id, form_value(data, "decision"), form_value(data, "comment")
            ),
            anchor=f"m-{milestone_id}",
        )

    @post("/milestones/{milestone_id:uuid}/verify-bonus", guards=[staff_required])
    async def verify_bonus(
        self, request: Request, milestone_id: FromPath[UUID]
    ) -> Template | Redirect:
        _milestone, partnership = await services.milestone_context(milestone_id)
        return await act(
            request,
            partnership["id"],
            lambda user: verification.verify(user, milestone_id),
            anchor=f"m-{milestone_id}",
        )

    @post("/milestones/{milestone_id:uuid}/payment", guards=[role_required("finance")])
    async def payment(
        self, request: Request, milestone_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        _milestone, partnership = await services.milestone_context(milestone_id)
        if asking := await stepup.page_step_up(request, data):
            return asking
        return await act(
            request,
            partnership["id"],
            lambda user: payments.record_payment(
                user,
                milestone_id,
                amount_cents=form_cents(
                    form_value(data, "amount"), "amount", request_locale(request)
                ),
                paid_on=form_date(form_value(data, "paid_on"), "paid_on"),
                reference=form_value(data, "reference"),
            ),
            anchor=f"m-{milestone_id}",
        )


class PartnerMilestonePages(Controller):
    path = "/partner"
    include_in_schema = False
    guards = [login_required]

    @post(
        "/partnerships/{partnership_id:uuid}/milestones/{milestone_id:uuid}/evidence",
        request_max_body_size=None,
    )
    async def evidence(
        self, request: Request, partnership_id: FromPath[UUID], milestone_id: FromPath[UUID]
    ) -> Template | Redirect:
        user = current_user(request)
        await contracts.partner_view(user, partnership_id)
        await services.reportable_milestone(user, milestone_id, partnership_id)
        try:
            await services.submit_evidence_upload(
                user,
                milestone_id,
                request.app.state.storage,
                lambda: MultipartUpload(request),
                partnership_id=partnership_id,
                file_optional=True,
            )
        except Problem as problem:
            return await partner_page(
                request,
                partnership_id,
                status=problem.status,
                errors={**errors_of(problem), "_milestone": str(milestone_id)},
            )
        return Redirect(f"/partner/partnerships/{partnership_id}#m-{milestone_id}", status_code=303)
