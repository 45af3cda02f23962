"""Staff pages for calls: the list (drafts too, each with its phase), the call form with its row
builders for criteria and questions, publishing with confirmation."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.calls import editing, services
from challenge.calls.builder import (
    QUESTION_TYPES,
    apply_builder,
    page_errors,
    questions_from_rows,
    rows_from_form,
)
from challenge.calls.entries import has_entries
from challenge.calls.forms import call_from_form, form_from_call
from challenge.calls.schemas import CallPatch, Question
from challenge.platform import clock
from challenge.platform.accounts.guards import staff_required
from challenge.platform.documents.rules import MB
from challenge.platform.documents.sniff import LABELS
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_, request_locale
from challenge.platform.problems import Problem

# How each type of question is named in the builder's select (the applicant sees the field)
TYPE_LABELS = {
    "text": N_("Short text"),
    "long_text": N_("Long text"),
    "choice": N_("One of several choices"),
    "number": N_("Number"),
    "url": N_("Web address"),
    "file": N_("Document (attached in step 3)"),
}


class Rubric(msgspec.Struct):
    """What the form may change of an existing call: once proposals exist the criteria are
    read-only and the questions asked so far stay (new ones are optional)."""

    locked: bool = False
    criteria: list[dict] = msgspec.field(default_factory=list)
    questions: list[dict] = msgspec.field(default_factory=list)


async def _rubric(slug: str | None) -> tuple[dict | None, Rubric]:
    if slug is None:
        return None, Rubric()
    call = await services.get_call(slug, include_drafts=True)
    if not await has_entries(call["id"]):  # the rule editing.update_call applies
        return call, Rubric()
    return call, Rubric(True, call["criteria"] or [], call["questions"] or [])


def _values(data: dict[str, Any]) -> dict[str, Any]:
    """The posted form as the page shows it again, with the builders' rows."""
    values = dict(data)
    allowed = data.get("allowed_types", [])
    values["allowed_types"] = [allowed] if isinstance(allowed, str) else list(allowed)
    values["criteria_rows"] = rows_from_form(data, "criteria")
    values["question_rows"] = rows_from_form(data, "questions")
    return values


def _preview(values: dict, rubric: Rubric) -> list[dict]:
    """The questions as an applicant will see them (rows that cannot be read yet are left out)."""
    rows = values.get("question_rows") or []
    shown = questions_from_rows([r for r in rows if r["label"].strip()], [])
    return rubric.questions + [msgspec.to_builtins(q) for q in shown]


def _form(
    values: dict, errors: dict, *, slug: str | None, rubric: Rubric, status: int = 200
) -> Template:
    if rubric.locked:
        values = {**values, "criteria_rows": []}
    offsets = {"questions": len(rubric.questions)} if rubric.locked else {}
    return Template(
        template_name="challenge/staff/call_form.html",
        status_code=status,
        context={
            "values": values,
            "errors": page_errors(errors, offsets),
            "slug": slug,
            "form_action": f"/staff/calls/{slug}/edit" if slug else "/staff/calls/new",
            "types": LABELS,
            "question_types": [(code, TYPE_LABELS[code]) for code in QUESTION_TYPES],
            "type_labels": TYPE_LABELS,
            "rubric": rubric,
            "preview": _preview(values, rubric),
        },
    )


def _limit(request: Request) -> int:
    return request.app.state.settings.upload_max_mb * MB


def _builder(data: dict, slug: str | None, rubric: Rubric) -> Template | None:
    """The form again with its rows added, removed or moved (nothing saved), when a builder
    button was pressed."""
    action = form_value(data, "builder")
    if not action:
        return None
    values = _values(data)
    rows = {"criteria": values["criteria_rows"], "questions": values["question_rows"]}
    if rubric.locked:
        rows.pop("criteria")
    apply_builder(action, rows)
    return _form(values, {}, slug=slug, rubric=rubric)


def _patch(data: dict, locale: str, rubric: Rubric) -> CallPatch:
    """The form as a change of the call; with proposals, the criteria stay as they are and the
    questions asked so far come first."""
    full = call_from_form(data, locale)
    patch = CallPatch(**{field: getattr(full, field) for field in full.__struct_fields__})
    if rubric.locked:
        patch.criteria = msgspec.UNSET
        kept = msgspec.convert(rubric.questions, list[Question])
        patch.questions = kept + list(full.questions)
    return patch


class StaffCallPages(Controller):
    path = "/staff/calls"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_calls")
    async def calls(self) -> Template:
        now = clock.now()
        rows, _total = await services.list_calls(include_drafts=True, per_page=10_000)
        rows.sort(key=lambda row: row["opens_at"], reverse=True)
        for row in rows:
            row["staff_phase"] = services.call_phase(row, now)
        return Template(template_name="challenge/staff/calls.html", context={"calls": rows})

    @get("/new", name="staff_call_new")
    async def new(self) -> Template:
        return _form(form_from_call(None), {}, slug=None, rubric=Rubric())

    @post("/new")
    async def create(self, request: Request, data: FormData) -> Template | Redirect:
        rearranged = _builder(data, None, Rubric())
        if rearranged is not None:
            return rearranged
        try:
            call = await editing.create_call(
                request.scope["user"],
                call_from_form(data, request_locale(request)),
                max_upload_bytes=_limit(request),
            )
        except Problem as problem:
            return _form(
                _values(data), errors_of(problem), slug=None, rubric=Rubric(), status=problem.status
            )
        return Redirect(f"/calls/{call['slug']}", status_code=303)

    @get("/{slug:str}/edit", name="staff_call_edit")
    async def edit(self, request: Request, slug: FromPath[str]) -> Template:
        call, rubric = await _rubric(slug)
        values = form_from_call(call, request_locale(request))
        if rubric.locked:
            values["question_rows"] = []  # the questions asked so far are shown read-only
        return _form(values, {}, slug=slug, rubric=rubric)

    @post("/{slug:str}/edit")
    async def update(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        _call, rubric = await _rubric(slug)
        rearranged = _builder(data, slug, rubric)
        if rearranged is not None:
            return rearranged
        try:
            patch = _patch(data, request_locale(request), rubric)
            call = await editing.update_call(
                request.scope["user"], slug, patch, max_upload_bytes=_limit(request)
            )
        except Problem as problem:
            return _form(
                _values(data), errors_of(problem), slug=slug, rubric=rubric, status=problem.status
            )
        return Redirect(f"/calls/{call['slug']}", status_code=303)

    @get("/{slug:str}/publish")
    async def confirm_publish(self, slug: FromPath[str]) -> Template:
        call = await services.get_call(slug, include_drafts=True)
        return Template(template_name="challenge/staff/publish.html", context={"call": call})

    @post("/{slug:str}/publish")
    async def publish(self, request: Request, slug: FromPath[str]) -> Redirect:
        await editing.publish_call(request.scope["user"], slug)
        return Redirect(f"/calls/{slug}", status_code=303)
