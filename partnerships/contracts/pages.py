"""Pages: staff manage contracts; the partner area shows the contract, what is due, evidence
and payments received. (Milestone actions are in ``milestones.pages``, the funding overview in
``opendata.pages``.)"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from challenge.platform.accounts.guards import login_required, role_required, staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_, request_locale
from challenge.platform.money import format_amount
from challenge.platform.pagination import Page
from challenge.platform.problems import Problem, not_found
from partnerships.contracts import amendments, listing, policies, services, signing
from partnerships.contracts.forms import (
    amendment_from_form,
    apply_row_action,
    form_values,
    plan_from_form,
    row_action,
)
from partnerships.contracts.schemas import PartnershipIn
from partnerships.contracts.views import act, editor, partner_page, staff_detail
from partnerships.milestones import calendar
from partnerships.opendata import overview

staff_or_finance = role_required("staff", "admin", "finance")
Code = Annotated[str, QueryParameter(max_length=20)]
Text = Annotated[str, QueryParameter(max_length=200)]


class StaffPartnershipPages(Controller):
    path = "/staff"
    include_in_schema = False
    guards = [staff_or_finance]

    @get("/partnerships", name="staff_partnerships")
    async def index(
        self,
        request: Request,
        page: Page = 1,
        status: Code = "",
        kind: Code = "",
        call: Text = "",
        q: Text = "",
    ) -> Template:
        """Partnerships, newest first, a page at a time; filtered, counted and summed in SQL."""
        settings = request.app.state.settings
        shown = await listing.page_of(listing.Filters(status, kind, call, q), page)
        return Template(
            template_name="partnerships/staff/list.html",
            context={
                **shown,
                "total": shown["totals"]["count"],
                "query": shown["filters"].query(),
                "statuses": listing.STATUSES,
                "kinds": listing.KINDS,
                "calls": await listing.calls_with_partnerships(),
                "feed_url": f"{settings.base_url}/api/v1/calendar/{calendar.feed_token(settings)}/partnerships.ics",
            },
        )

    @get("/partnerships/new", guards=[staff_required])
    async def new(self, request: Request, submission: FromQuery[UUID]) -> Template | Redirect:
        existing = await services.for_submission(submission)
        if existing:
            return Redirect(f"/staff/partnerships/{existing}", status_code=303)
        values = await services.prefill(submission)
        return editor(
            request,
            None,
            {
                **values,
                "total": format_amount(values["total_cents"], request_locale(request)),
                "milestones": [],
            },
        )

    @post("/partnerships/new", guards=[staff_required])
    async def create(self, request: Request, data: FormData) -> Template | Redirect:
        try:
            submission_id = UUID(form_value(data, "submission_id"))
        except ValueError:
            raise not_found(N_("Proposal not found")) from None
        action = row_action(data)
        if action:  # a row button: the form again with the rows changed, nothing saved
            values = {**await services.prefill(submission_id), **form_values(data)}
            values["milestones"], focus = apply_row_action(values["milestones"], action)
            return editor(request, None, values, focus=focus)
        try:
            plan = plan_from_form(data, request_locale(request))
            row = await services.create(
                request.scope["user"],
                PartnershipIn(submission_id=submission_id, **msgspec.structs.asdict(plan)),
            )
        except Problem as problem:
            values = {**await services.prefill(submission_id), **form_values(data)}
            return editor(request, None, values, errors=errors_of(problem), status=problem.status)
        return Redirect(f"/staff/partnerships/{row['id']}", status_code=303)

    @get("/partnerships/{partnership_id:uuid}", name="staff_partnership")
    async def detail(self, request: Request, partnership_id: FromPath[UUID]) -> Template:
        return await staff_detail(
            request, await services.visible(current_user(request), partnership_id)
        )

    @get("/partnerships/{partnership_id:uuid}/edit", guards=[staff_required])
    async def edit(self, request: Request, partnership_id: FromPath[UUID]) -> Template | Redirect:
        partnership = await services.visible(current_user(request), partnership_id)
        if not policies.may_edit_plan(current_user(request), partnership):
            # a sent or signed contract is not edited (amended on its page instead)
            return Redirect(f"/staff/partnerships/{partnership_id}", status_code=303)
        # the plan's regular milestones; an open-source bonus stays as it is (not in the form)
        every = await services.milestones_of(partnership_id)
        milestones = [m for m in every if m["kind"] == "regular"]
        locale = request_locale(request)
        values = {
            **partnership,
            "total": format_amount(partnership["total_cents"], locale),
            "milestones": [
                {**m, "amount": format_amount(m["amount_cents"], locale)} for m in milestones
            ],
            "bonus": [m for m in every if m["kind"] == "open_source_bonus"],
        }
        return editor(request, partnership, values)

    @post("/partnerships/{partnership_id:uuid}/edit", guards=[staff_required])
    async def save(
        self, request: Request, partnership_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        partnership = await services.visible(current_user(request), partnership_id)
        values = {**form_values(data), "bonus": await _bonus(partnership_id)}
        action = row_action(data)
        if action and policies.may_edit_plan(current_user(request), partnership):
            # a row button: the form again with the rows changed, nothing saved
            values["milestones"], focus = apply_row_action(values["milestones"], action)
            return editor(request, partnership, values, focus=focus)
        try:
            await services.update_plan(
                request.scope["user"], partnership_id, plan_from_form(data, request_locale(request))
            )
        except Problem as problem:
            return editor(
                request, partnership, values, errors=errors_of(problem), status=problem.status
            )
        return Redirect(f"/staff/partnerships/{partnership_id}", status_code=303)

    @post("/partnerships/{partnership_id:uuid}/send", guards=[staff_required])
    async def send(self, request: Request, partnership_id: FromPath[UUID]) -> Template | Redirect:
        return await act(
            request,
            partnership_id,
            lambda user: services.send(
                user,
                partnership_id,
                storage=request.app.state.storage,
                settings=request.app.state.settings,
            ),
        )

    @post("/partnerships/{partnership_id:uuid}/terminate", guards=[staff_required])
    async def terminate(
        self, request: Request, partnership_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        return await act(
            request,
            partnership_id,
            lambda user: services.terminate(user, partnership_id, form_value(data, "reason")),
        )

    @post("/partnerships/{partnership_id:uuid}/amend", guards=[staff_required])
    async def amend(
        self, request: Request, partnership_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        async def run(user):
            change = amendment_from_form(
                data, await services.milestones_of(partnership_id), request_locale(request)
            )
            return await amendments.amend(
                user,
                partnership_id,
                change,
                storage=request.app.state.storage,
                settings=request.app.state.settings,
            )

        return await act(request, partnership_id, run)

    @post(
        "/partnerships/{partnership_id:uuid}/signed",
        guards=[staff_required],
        request_max_body_size=None,
    )
    async def signed(self, request: Request, partnership_id: FromPath[UUID]) -> Template | Redirect:
        return await act(
            request,
            partnership_id,
            lambda user: signing.attach_signed_copy(
                user, partnership_id, request.app.state.storage, lambda: MultipartUpload(request)
            ),
        )


async def _bonus(partnership_id: UUID) -> list[dict]:
    """The plan's open-source bonus (kept apart from the editor's rows)."""
    every = await services.milestones_of(partnership_id)
    return [m for m in every if m["kind"] == "open_source_bonus"]


class PartnerPages(Controller):
    path = "/partner"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="partner_area")
    async def index(self, request: Request) -> Template:
        rows = await overview.partnership_list(member=current_user(request).id)
        return Template(template_name="partnerships/partner/list.html", context={"rows": rows})

    @get("/partnerships/{partnership_id:uuid}", name="partner_partnership")
    async def detail(self, request: Request, partnership_id: FromPath[UUID]) -> Template:
        return await partner_page(request, partnership_id)

    @post("/partnerships/{partnership_id:uuid}/signed", request_max_body_size=None)
    async def signed(self, request: Request, partnership_id: FromPath[UUID]) -> Template | Redirect:
        user = current_user(request)
        await services.partner_view(user, partnership_id)
        try:
            await signing.attach_signed_copy(
                user, partnership_id, request.app.state.storage, lambda: MultipartUpload(request)
            )
        except Problem as problem:
            return await partner_page(
                request, partnership_id, errors=errors_of(problem), status=problem.status
            )
        return Redirect(f"/partner/partnerships/{partnership_id}", status_code=303)
