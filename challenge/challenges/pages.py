"""Pages of a city unit's members: their challenges, drafting one, changing it while it is a
draft, handing it in for review, and the review history — no JavaScript needed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.challenges import intake, policies, rules, units
from challenge.challenges.forms import (
    challenge_from_form,
    dataset_rows,
    field_errors,
    form_from_challenge,
    patch_from_form,
    values_of,
)
from challenge.platform.accounts.guards import login_required
from challenge.platform.forms import FormData, form_value
from challenge.platform.i18n import N_, request_locale
from challenge.platform.markdown import render_markdown
from challenge.platform.problems import FieldError, Problem, forbidden

NOTICES = ("created", "saved", "submitted")


async def my_units(request: Request) -> list[dict]:
    """The signed-in person's units; 403 for anyone who belongs to none."""
    mine = await units.units_of(request.scope["user"])
    if not mine:
        raise forbidden(N_("Only members of a city unit can draft challenges."))
    return mine


def _unit_choice(data: dict, mine: list[dict]) -> UUID:
    """The unit the form names (the only one if the person belongs to one)."""
    chosen = form_value(data, "unit_id")
    for unit in mine:
        if len(mine) == 1 or str(unit["id"]) == chosen:
            return unit["id"]
    raise Problem(
        422,
        "validation_error",
        N_("Some fields are missing or invalid."),
        errors=[FieldError("unit_id", N_("Choose the unit that poses the challenge."))],
    )


def form_page(
    values: dict, errors: dict, *, action: str, mine: list[dict], status: int = 200, **extra
) -> Template:
    """The challenge form (new or edit); staff use it too."""
    return Template(
        template_name="challenge/challenges/form.html",
        status_code=status,
        context={
            "values": values,
            "errors": errors,
            "action": action,
            "units": mine,
            "datasets": dataset_rows(values),
            "challenge": None,
            "cancel": "/unit/challenges",
            **extra,
        },
    )


def detail_context(row: dict, events: list[dict]) -> dict:
    """What a challenge's page shows: its texts as HTML, data sets, history, status word."""
    offer = row["offer"] or {}
    return {
        "challenge": row,
        "status_labels": rules.STATUS_LABELS,
        "action_labels": rules.ACTION_LABELS,
        "events": events,
        "datasets": offer.get("datasets") or [],
        "infrastructure": offer.get("infrastructure") or "",
        "staff_access": offer.get("staff_access") or "",
        **{
            f"{name}_html": render_markdown(row[name] or "")
            for name in ("problem", "affected", "outcome", "constraints")
        },
    }


async def _detail(request: Request, challenge_id: UUID, *, status: int = 200, **extra):
    user = request.scope["user"]
    row = await intake.readable(user, challenge_id)
    editable = row["status"] in rules.EDITABLE
    values = extra.pop("values", None) or form_from_challenge(row, request_locale(request))
    return Template(
        template_name="challenge/challenges/unit_detail.html",
        status_code=status,
        context={
            **detail_context(row, await intake.events_of(challenge_id)),
            "editable": editable,
            "values": values,
            "errors": {},
            "datasets_form": dataset_rows(values),
            "action": f"/unit/challenges/{challenge_id}",
            "links": await policies.unit_page_links(user, challenge_id),
            "notice": None,
            **extra,
        },
    )


class UnitChallengePages(Controller):
    path = "/unit/challenges"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="unit_challenges")
    async def challenges(self, request: Request) -> Template:
        mine = await my_units(request)
        ids = {unit["id"] for unit in mine}
        rows = await intake.list_challenges(request.scope["user"])
        return Template(
            template_name="challenge/challenges/unit_list.html",
            context={
                "units": mine,
                "rows": [row for row in rows if row["unit"] in ids],
                "status_labels": rules.STATUS_LABELS,
            },
        )

    @get("/new", name="unit_challenge_new")
    async def new(self, request: Request) -> Template:
        mine = await my_units(request)
        return form_page(
            form_from_challenge(None, request_locale(request)),
            {},
            action="/unit/challenges/new",
            mine=mine,
        )

    @post("/new")
    async def create(self, request: Request, data: FormData) -> Template | Redirect:
        mine = await my_units(request)
        try:
            unit_id = _unit_choice(data, mine)
            row = await intake.create_challenge(
                request.scope["user"], challenge_from_form(data, request_locale(request), unit_id)
            )
        except Problem as problem:
            return form_page(
                values_of(data),
                field_errors(problem),
                action="/unit/challenges/new",
                mine=mine,
                status=problem.status,
            )
        return Redirect(f"/unit/challenges/{row['id']}?notice=created", status_code=303)

    @get("/{challenge_id:uuid}", name="unit_challenge")
    async def detail(
        self,
        request: Request,
        challenge_id: FromPath[UUID],
        notice: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> Template:
        return await _detail(request, challenge_id, notice=notice if notice in NOTICES else None)

    @post("/{challenge_id:uuid}")
    async def update(
        self, request: Request, challenge_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        row = await intake.readable(request.scope["user"], challenge_id)
        try:
            patch = patch_from_form(data, request_locale(request), row["unit"])
            await intake.update_challenge(request.scope["user"], challenge_id, patch)
        except Problem as problem:
            return await _detail(
                request,
                challenge_id,
                status=problem.status,
                values=values_of(data),
                errors=field_errors(problem),
            )
        return Redirect(f"/unit/challenges/{challenge_id}?notice=saved", status_code=303)

    @post("/{challenge_id:uuid}/submit")
    async def submit(self, request: Request, challenge_id: FromPath[UUID]) -> Template | Redirect:
        try:
            await intake.submit_challenge(request.scope["user"], challenge_id)
        except Problem as problem:
            return await _detail(
                request, challenge_id, status=problem.status, errors=field_errors(problem)
            )
        return Redirect(f"/unit/challenges/{challenge_id}?notice=submitted", status_code=303)
