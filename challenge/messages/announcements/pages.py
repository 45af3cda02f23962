"""Staff pages of announcements: the call's list, the form, a preview with the number of people
reached (the confirmation step), and sending."""

from __future__ import annotations

import secrets

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from challenge.calls.entries import challenges_of as challenges_of_call
from challenge.calls.services import get_call
from challenge.messages.announcements import audiences, service
from challenge.platform import idempotency
from challenge.platform.accounts.guards import staff_required
from challenge.platform.domains import each
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.pagination import Page
from challenge.platform.problems import Problem

FIELDS = ("audience", "subject_de", "subject_en", "body_de", "body_en")


def _values(data: dict) -> dict[str, str]:
    return {name: form_value(data, name) for name in FIELDS}


def _parts(values: dict) -> tuple[str, dict, dict]:
    return (
        values["audience"],
        {"de": values["subject_de"], "en": values["subject_en"]},
        {"de": values["body_de"], "en": values["body_en"]},
    )


async def audience_options(call: dict) -> list[tuple[str, str, str]]:
    """(value, label msgid, challenge title or "") for the group select, in a sensible order."""
    labels = audiences.LABELS
    challenges = await challenges_of_call(call["id"])
    options = [(name, labels[name], "") for name in ("applicants", "submitted")]
    options += [(f"challenge:{c['key']}", labels["challenge"], c["title"]) for c in challenges]
    options += [(name, labels[name], "") for name in ("development", "jurors")]
    options += [
        (f"jurors:{c['key']}", labels["jurors_of_challenge"], c["title"]) for c in challenges
    ]
    options.append(("units", labels["units"], ""))
    for _domain, extra in each("announcement_audiences"):
        options += [(name, labels.get(name, name), "") for name in extra]
    return options


async def _form(call: dict, values: dict, errors: dict | None = None, status: int = 200):
    return Template(
        template_name="messages/announcements/form.html",
        context={
            "call": call,
            "values": values,
            "errors": errors or {},
            "options": await audience_options(call),
        },
        status_code=status,
    )


class AnnouncementPages(Controller):
    path = "/staff/calls/{slug:str}/announcements"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_announcements")
    async def index(
        self, slug: FromPath[str], page: Page = 1, sent: FromQuery[bool] = False
    ) -> Template:
        call = await get_call(slug, include_drafts=True)
        found = await service.of_call(call["id"], page)
        return Template(
            template_name="messages/announcements/list.html",
            context={"call": call, "found": found, "sent": sent, "label": audiences.label},
        )

    @get("/new", name="staff_announcement_new")
    async def new(self, slug: FromPath[str]) -> Template:
        call = await get_call(slug, include_drafts=True)
        return await _form(call, dict.fromkeys(FIELDS, ""))

    @post("/preview")
    async def preview(self, request: Request, slug: FromPath[str], data: FormData) -> Template:
        call = await get_call(slug, include_drafts=True)
        values = _values(data)
        try:
            found = await service.preview(call, *_parts(values), request.app.state.settings)
        except Problem as problem:
            return await _form(call, values, errors_of(problem), problem.status)
        return Template(
            template_name="messages/announcements/preview.html",
            context={
                "call": call,
                "values": values,
                "found": found,
                "idempotency_key": secrets.token_urlsafe(16),
                "chosen": next(
                    (o for o in await audience_options(call) if o[0] == values["audience"]), None
                ),
            },
        )

    @post("/")
    async def send(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        values = _values(data)
        if form_value(data, "edit"):
            return await _form(call, values)
        try:
            await service.create(
                request.scope["user"],
                call,
                *_parts(values),
                key=form_value(data, idempotency.FIELD) or None,
            )
        except Problem as problem:
            return await _form(call, values, errors_of(problem), problem.status)
        return Redirect(f"/staff/calls/{slug}/announcements?sent=true", status_code=303)
