"""JSON API for staff's mail templates (/api/v1/mail-templates): the list, saving one mail in one
language for every call or for one call (``call``: its slug), the preview and reset."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from challenge.calls.mail_scopes import call_choices, scope_of
from challenge.platform.i18n import request_locale
from challenge.platform.mail import editing
from challenge.platform.mail.templates import Source

Slug = Annotated[str, QueryParameter(max_length=200)]


class MailTemplateIn(msgspec.Struct, forbid_unknown_fields=True):
    """One mail in one language as staff write it; ``call``: a call's slug, "" for every call."""

    subject: Annotated[str, msgspec.Meta(max_length=editing.SUBJECT_MAX)]
    body: Annotated[str, msgspec.Meta(max_length=20_000)]
    call: Annotated[str, msgspec.Meta(max_length=200)] = ""


class TemplateText(msgspec.Struct):
    """A mail's two parts as written."""

    subject: str
    body: str


class MailTemplateOut(msgspec.Struct):
    """One mail in one language after saving: what is sent now, the default, the placeholders."""

    key: str
    locale: str
    call: str
    changed: bool
    current: TemplateText
    default: TemplateText
    placeholders: list[str]


class LocaleState(msgspec.Struct):
    """One language of a mail: whether staff changed it, the calls with their own version."""

    changed: bool
    calls: list[str]
    current: TemplateText
    default: TemplateText


class MailOverview(msgspec.Struct):
    """One mail in both languages."""

    key: str
    locales: dict[str, LocaleState]


class MailTemplateList(msgspec.Struct):
    """Every mail."""

    items: list[MailOverview]


class PreviewOut(msgspec.Struct):
    """The mail as it would be sent."""

    subject: str
    text: str
    html: str


def _text(source: Source) -> TemplateText:
    return TemplateText(subject=source.subject, body=source.body)


def _user(request: Request):
    return request.scope["user"]  # editors_only let the request through


class MailTemplatesApi(Controller):
    """Staff's mail templates; only staff and admins (editing.may_edit_mail_templates)."""

    path = "/api/v1/mail-templates"
    tags = ["mail templates"]
    guards = [editing.editors_only]

    @get("/", summary="Every mail with its default and staff's versions")
    async def list_templates(self, request: Request) -> MailTemplateList:
        mails = await editing.overview(_user(request))
        slugs = {c["id"]: c["slug"] for c in await call_choices()}
        return MailTemplateList(
            items=[
                MailOverview(
                    key=mail["key"],
                    locales={
                        locale: LocaleState(
                            changed=state["changed"],
                            calls=[slugs[s] for s in state["scopes"] if s in slugs],
                            current=_text(state["current"]),
                            default=_text(state["default"]),
                        )
                        for locale, state in mail["locales"].items()
                    },
                )
                for mail in mails
            ]
        )

    @put("/{mail_key:str}/{locale:str}", status_code=HTTP_200_OK, summary="Save a mail template")
    async def save(
        self,
        request: Request,
        mail_key: FromPath[str],
        locale: FromPath[str],
        data: JSONBody[MailTemplateIn],
    ) -> MailTemplateOut:
        """422 template_invalid (nothing stored) when it does not render with the preview's
        values, names an unknown placeholder or uses what the sandbox refuses."""
        user = _user(request)
        scope, _call = await scope_of(data.call)
        view = await editing.save(
            user,
            mail_key,
            locale,
            Source(data.subject, data.body),
            scope,
            request_locale(request),
        )
        return MailTemplateOut(
            key=mail_key,
            locale=locale,
            call=data.call,
            changed=view["changed"],
            current=_text(view["current"]),
            default=_text(view["default"]),
            placeholders=[name for name, _words in view["placeholders"]],
        )

    @post(
        "/{mail_key:str}/{locale:str}/preview",
        status_code=HTTP_200_OK,
        summary="The mail rendered with the latest real values",
    )
    async def preview(
        self,
        request: Request,
        mail_key: FromPath[str],
        locale: FromPath[str],
        data: JSONBody[MailTemplateIn],
    ) -> PreviewOut:
        rendered = await editing.preview(
            _user(request),
            mail_key,
            locale,
            Source(data.subject, data.body),
            request_locale(request),
        )
        return PreviewOut(subject=rendered.subject, text=rendered.text, html=rendered.html)

    @delete(
        "/{mail_key:str}/{locale:str}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Reset a mail to its default",
    )
    async def reset(
        self, request: Request, mail_key: FromPath[str], locale: FromPath[str], call: Slug = ""
    ) -> None:
        user = _user(request)
        scope, _call = await scope_of(call)
        await editing.reset(user, mail_key, locale, scope)
