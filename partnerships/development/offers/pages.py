"""The offer's pages: a structured form that works without JavaScript (plain POST and redirect,
messages per field with the typed values kept, rows added by a button) and autosaves with it,
a confirmation step before submitting, and a read-only view with the receipt once submitted
(and for the owning unit and staff)."""

from __future__ import annotations

import re
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.platform import clock
from challenge.platform.accounts.guards import login_required
from challenge.platform.documents.downloads import download
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_, request_locale
from challenge.platform.problems import FieldError, Problem
from challenge.platform.security.limits import validated
from partnerships.development import access
from partnerships.development.offers import forms, services, submitting
from partnerships.development.rules import OFFER_STATUS_LABELS, offer_errors, osi_licences
from partnerships.totals import running_total, sum_of

ADD_ROWS = 3


def _extra(request: Request, name: str) -> int:
    value = request.query_params.get(name, "")
    return min(int(value), forms.MAX_ROWS) if re.fullmatch(r"[0-9]{1,4}", value) else 0


async def _context(request: Request, submission_id: UUID) -> dict:
    user = request.scope["user"]
    entry = await services.readable(user, submission_id)
    stored = await services.load(submission_id)
    offer = stored or services.empty_offer(submission_id)
    return {
        "entry": entry,
        "offer": offer,
        "values": forms.values_of(offer),
        "errors": {},
        "conflict": None,
        "may_edit": offer["status"] == "draft" and await access.may_edit_offer(user, entry),
        "due": await services.due_at(entry),
        "now": clock.now(),
        "licences": osi_licences(),
        "presentation": await submitting.presentation_of(stored),
        "status_labels": OFFER_STATUS_LABELS,
        "m_extra": _extra(request, "m_extra"),
        "c_extra": _extra(request, "c_extra"),
        "rows": forms.rows,
        "locale": request_locale(request),
        "licence_names": {row["id"]: row["name"] for row in osi_licences()},
    }


def _plan_total(values: dict, locale: str) -> dict:
    """The milestones' running total against the cost lines' sum (the offer's total)."""
    costs = sum_of([c.get("amount") for c in values.get("costs") or []], locale)
    milestones = [m.get("amount") for m in values.get("milestones") or []]
    return {**running_total(milestones, costs, locale), "costs_cents": costs}


def _page(context: dict, status: int = 200) -> Template:
    name = "offer_form" if context["may_edit"] else "offer_view"
    context["plan_total"] = _plan_total(context["values"], context["locale"])
    return Template(template_name=f"development/{name}.html", context=context, status_code=status)


def _parse(request: Request, data: dict):
    """The form as an OfferIn and the errors of what could not be read."""
    offer, errors = forms.offer_from_form(data, request_locale(request))
    try:
        offer = validated(offer)
    except Problem as problem:
        errors += problem.errors
    return offer, errors


def _next_url(submission_id: UUID, action: str, data: dict) -> str:
    base = f"/development/{submission_id}/offer"
    if action == "review":
        return f"{base}/confirm"
    m_extra = _form_int(data, "m_extra") + (ADD_ROWS if action == "add_milestone" else 0)
    c_extra = _form_int(data, "c_extra") + (ADD_ROWS if action == "add_cost" else 0)
    if action in ("add_milestone", "add_cost"):
        return f"{base}?m_extra={m_extra}&c_extra={c_extra}#field-{action}"
    return f"{base}?saved=1"


class OfferPages(Controller):
    path = "/development/{submission_id:uuid}/offer"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="development_offer")
    async def show(self, request: Request, submission_id: FromPath[UUID]) -> Template:
        """The form for the team while it is a draft; else the read-only offer."""
        return _page(await _context(request, submission_id))

    @post("/")
    async def save(
        self, request: Request, submission_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        """Save the draft (or add rows, or go on to the confirmation); messages per field."""
        await services.writable(request.scope["user"], submission_id)  # 404 / 403 first
        action = form_value(data, "action") or "save"
        offer, errors = _parse(request, data)
        context = await _context(request, submission_id)
        if errors:  # show the rules' messages too, each field's first
            seen = {e.field for e in errors}
            errors += [
                e for e in offer_errors(offer, context["entry"]["challenge"]) if e.field not in seen
            ]
        else:
            try:
                await services.save(request.scope["user"], submission_id, offer)
                return Redirect(_next_url(submission_id, action, data), status_code=303)
            except Problem as problem:
                if problem.code == "version_conflict":
                    context["conflict"] = problem.extra["current"]
                errors = problem.errors or [FieldError("_form", problem.detail)]
        context["values"] = forms.form_values(data)
        context["errors"] = {e.field: e.message for e in errors}
        context["m_extra"] = _form_int(data, "m_extra") + (action == "add_milestone") * ADD_ROWS
        context["c_extra"] = _form_int(data, "c_extra") + (action == "add_cost") * ADD_ROWS
        return _page(context, status=422 if context["may_edit"] else 409)

    @post("/autosave")
    async def autosave(
        self, request: Request, submission_id: FromPath[UUID], data: FormData
    ) -> Template:
        """HTMX autosave: the same save as the button, answered with a status line and the new
        version (nothing is saved while a field cannot be read)."""
        await services.writable(request.scope["user"], submission_id)  # 404 / 403 first
        offer, errors = _parse(request, data)
        state, version = "invalid", offer.version
        if not errors:
            try:
                _entry, row = await services.save(request.scope["user"], submission_id, offer)
                state, version = "saved", row["version"]
            except Problem as problem:
                if problem.status in (403, 404):
                    raise
                state = problem.code
        return Template(
            template_name="development/offer_autosave.html",
            context={"state": state, "version": version, "now": clock.now()},
        )

    @post("/presentation", request_max_body_size=None)
    async def presentation(
        self, request: Request, submission_id: FromPath[UUID]
    ) -> Template | Redirect:
        """Upload the presentation PDF (replacing an earlier one)."""
        try:
            await submitting.attach_presentation(
                request.scope["user"],
                submission_id,
                request.app.state.storage,
                lambda: MultipartUpload(request),
            )
        except Problem as problem:
            if problem.status in (403, 404):
                raise
            context = await _context(request, submission_id)
            context["errors"] = {"file": problem.detail, **errors_of(problem)}
            context["errors"].pop("_form", None)
            return _page(context, status=problem.status)
        return Redirect(f"/development/{submission_id}/offer?uploaded=1", status_code=303)

    @get("/confirm")
    async def confirm(self, request: Request, submission_id: FromPath[UUID]) -> Template:
        """The offer as it will be submitted, with the confirmation."""
        context = await _context(request, submission_id)
        if not context["may_edit"]:
            return _page(context)
        return Template(template_name="development/offer_confirm.html", context=context)

    @post("/submit")
    async def submit(
        self, request: Request, submission_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        """Submit after the explicit confirmation; refusals are shown on the confirmation."""
        await services.writable(request.scope["user"], submission_id)  # 404 / 403 first
        context = await _context(request, submission_id)
        try:
            if not form_value(data, "confirm"):
                raise Problem(
                    422,
                    "confirmation_missing",
                    N_("Please confirm that the offer is complete and binding."),
                    errors=[
                        FieldError(
                            "confirm", N_("Please confirm that the offer is complete and binding.")
                        )
                    ],
                )
            await submitting.submit(
                request.scope["user"],
                submission_id,
                base_url=request.app.state.settings.base_url,
            )
        except Problem as problem:
            if problem.status in (403, 404):
                raise
            context["errors"] = errors_of(problem)
            context["problem"] = problem
            return Template(
                template_name="development/offer_confirm.html",
                context=context,
                status_code=problem.status,
            )
        return Redirect(f"/development/{submission_id}/offer?submitted=1", status_code=303)

    @get("/receipt")
    async def receipt(self, request: Request, submission_id: FromPath[UUID]) -> Response:
        """The receipt PDF of the submitted offer."""
        entry = await services.readable(request.scope["user"], submission_id)
        document = await submitting.receipt_for(
            request.app.state.storage,
            entry,
            await services.load(submission_id),
            base_url=request.app.state.settings.base_url,
        )
        return await download(request.app.state.storage, request.app.state.settings, document)


def _form_int(data: dict, name: str) -> int:
    value = form_value(data, name)
    return min(int(value), forms.MAX_ROWS) if re.fullmatch(r"[0-9]{1,4}", value) else 0
