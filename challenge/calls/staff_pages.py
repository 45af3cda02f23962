"""Staff pages for calls: the list (drafts too), the call form, publishing with confirmation."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.calls import editing, services
from challenge.calls.forms import QUESTION_TYPES, call_from_form, form_from_call
from challenge.calls.schemas import CallPatch
from challenge.platform.accounts.guards import staff_required
from challenge.platform.documents.rules import MB
from challenge.platform.documents.sniff import LABELS
from challenge.platform.forms import FormData, errors_of
from challenge.platform.i18n import request_locale
from challenge.platform.problems import Problem


def _form(values: dict, errors: dict, *, slug: str | None, status: int = 200) -> Template:
    return Template(
        template_name="challenge/staff/call_form.html",
        status_code=status,
        context={
            "values": values,
            "errors": errors,
            "slug": slug,
            "types": LABELS,
            "question_types": QUESTION_TYPES,
        },
    )


def _limit(request: Request) -> int:
    return request.app.state.settings.upload_max_mb * MB


class StaffCallPages(Controller):
    path = "/staff/calls"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_calls")
    async def calls(self) -> Template:
        rows = await services.staff_list()
        return Template(template_name="challenge/staff/calls.html", context={"calls": rows})

    @get("/new", name="staff_call_new")
    async def new(self) -> Template:
        return _form(form_from_call(None), {}, slug=None)

    @post("/new")
    async def create(self, request: Request, data: FormData) -> Template | Redirect:
        try:
            call = await editing.create_call(
                request.scope["user"],
                call_from_form(data, request_locale(request)),
                max_upload_bytes=_limit(request),
            )
        except Problem as problem:
            return _form(dict(data), errors_of(problem), slug=None, status=problem.status)
        return Redirect(f"/calls/{call['slug']}", status_code=303)

    @get("/{slug:str}/edit", name="staff_call_edit")
    async def edit(self, request: Request, slug: FromPath[str]) -> Template:
        call = await services.get_call(slug, include_drafts=True)
        return _form(form_from_call(call, request_locale(request)), {}, slug=slug)

    @post("/{slug:str}/edit")
    async def update(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        try:
            full = call_from_form(data, request_locale(request))
            patch = CallPatch(**{field: getattr(full, field) for field in full.__struct_fields__})
            call = await editing.update_call(
                request.scope["user"], slug, patch, max_upload_bytes=_limit(request)
            )
        except Problem as problem:
            return _form(dict(data), errors_of(problem), slug=slug, status=problem.status)
        return Redirect(f"/calls/{call['slug']}", status_code=303)

    @get("/{slug:str}/publish")
    async def confirm_publish(self, slug: FromPath[str]) -> Template:
        call = await services.get_call(slug, include_drafts=True)
        return Template(template_name="challenge/staff/publish.html", context={"call": call})

    @post("/{slug:str}/publish")
    async def publish(self, request: Request, slug: FromPath[str]) -> Redirect:
        await editing.publish_call(request.scope["user"], slug)
        return Redirect(f"/calls/{slug}", status_code=303)
