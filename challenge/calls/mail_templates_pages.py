"""Staff pages for the mails (/staff/mail-templates): the list with what staff changed, the editor
of one mail in one language for every call or one call (``?call=<slug>``) with its placeholders,
the live preview (HTMX, on typing), the diff against the default, and reset after a
confirmation."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.calls.mail_scopes import call_choices, scope_of
from challenge.platform.forms import FormData, form_value
from challenge.platform.i18n import request_locale
from challenge.platform.mail import editing
from challenge.platform.mail.templates import Source
from challenge.platform.problems import Problem

Query = Annotated[str, QueryParameter(max_length=200)]
DONE = ("saved", "reset")


def _path(key: str, locale: str, call: dict | None, suffix: str = "", **query: str) -> str:
    """A page of the editor (suffix "" or "/reset") for the call's version or all calls'."""
    params = {"call": call["slug"]} if call else {}
    params.update(query)
    return f"/staff/mail-templates/{key}/{locale}{suffix}" + (
        f"?{urlencode(params)}" if params else ""
    )


async def _preview(request: Request, key: str, locale: str, source: Source) -> dict:
    """The preview's context: the rendered mail, or the reason it cannot be used."""
    try:
        rendered = await editing.preview(
            request.scope["user"], key, locale, source, request_locale(request)
        )
    except Problem as problem:
        if problem.code != "template_invalid":
            raise
        return {"rendered": None, "refusal": problem.detail, "errors": _errors(problem)}
    return {"rendered": rendered, "refusal": None, "errors": {}}


def _errors(problem: Problem) -> dict[str, str]:
    return {error.field: error.message for error in problem.errors}


def _source(data: dict) -> Source:
    return Source(form_value(data, "subject")[:400], form_value(data, "body")[:20_000])


class StaffMailTemplatePages(Controller):
    """The mail template pages; only staff and admins (editing.may_edit_mail_templates)."""

    path = "/staff/mail-templates"
    include_in_schema = False
    guards = [editing.editors_only]

    @get("/", name="staff_mail_templates")
    async def list_page(self, request: Request) -> Template:
        mails = await editing.overview(request.scope["user"])
        calls = {c["id"]: c for c in await call_choices()}
        return Template(
            template_name="challenge/staff/mail_templates/list.html",
            context={"mails": mails, "calls": calls},
        )

    async def _editor(
        self,
        request: Request,
        key: str,
        locale: str,
        call_slug: str,
        *,
        posted: Source | None = None,
        done: str = "",
        status: int = 200,
    ) -> Template:
        user = request.scope["user"]
        scope, call = await scope_of(call_slug)
        view = await editing.template(user, key, locale, scope)
        source = posted or view["current"]
        return Template(
            template_name="challenge/staff/mail_templates/editor.html",
            status_code=status,
            context={
                **view,
                "source": source,
                "call": call,
                "calls": await call_choices(),
                "done": done if done in DONE else "",
                "may_edit": editing.may_edit_mail_templates(user),
                "editor_path": _path(key, locale, call),
                "reset_path": _path(key, locale, call, "/reset"),
                "other_path": _path(key, "en" if locale == "de" else "de", call),
                "differs": any(kind != "same" for kind, _line in view["diff"]),
                **await _preview(request, key, locale, source),
            },
        )

    @get("/{mail_key:str}/{locale:str}", name="staff_mail_template")
    async def editor(
        self,
        request: Request,
        mail_key: FromPath[str],
        locale: FromPath[str],
        call: Query = "",
        done: Query = "",
    ) -> Template:
        return await self._editor(request, mail_key, locale, call, done=done)

    @post("/{mail_key:str}/{locale:str}")
    async def save(
        self,
        request: Request,
        mail_key: FromPath[str],
        locale: FromPath[str],
        data: FormData,
        call: Query = "",
    ) -> Template | Redirect:
        """Saved: back to the editor with a notice; refused: the editor with the typed text, the
        reason at the field and nothing stored (422)."""
        scope, found = await scope_of(call)
        posted = _source(data)
        try:
            await editing.save(
                request.scope["user"], mail_key, locale, posted, scope, request_locale(request)
            )
        except Problem as problem:
            if problem.code != "template_invalid":
                raise
            return await self._editor(request, mail_key, locale, call, posted=posted, status=422)
        return Redirect(_path(mail_key, locale, found, done="saved"), status_code=303)

    @post("/{mail_key:str}/{locale:str}/preview")
    async def preview(
        self, request: Request, mail_key: FromPath[str], locale: FromPath[str], data: FormData
    ) -> Template:
        """HTMX: the preview block for the typed text."""
        return Template(
            template_name="challenge/staff/mail_templates/_preview.html",
            context=await _preview(request, mail_key, locale, _source(data)),
        )

    @get("/{mail_key:str}/{locale:str}/reset")
    async def confirm_reset(
        self, request: Request, mail_key: FromPath[str], locale: FromPath[str], call: Query = ""
    ) -> Template:
        scope, found = await scope_of(call)
        view = await editing.template(request.scope["user"], mail_key, locale, scope)
        return Template(
            template_name="challenge/staff/mail_templates/reset.html",
            context={
                **view,
                "call": found,
                "editor_path": _path(mail_key, locale, found),
                "reset_path": _path(mail_key, locale, found, "/reset"),
            },
        )

    @post("/{mail_key:str}/{locale:str}/reset")
    async def reset(
        self, request: Request, mail_key: FromPath[str], locale: FromPath[str], call: Query = ""
    ) -> Redirect:
        scope, found = await scope_of(call)
        await editing.reset(request.scope["user"], mail_key, locale, scope)
        return Redirect(_path(mail_key, locale, found, done="reset"), status_code=303)
