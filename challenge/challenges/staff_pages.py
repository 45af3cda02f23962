"""Staff pages for challenges: city units and their members, the review of challenges, attaching
approved ones to a call, and ordering and withdrawing a call's challenges."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.calls.services import get_call, staff_list
from challenge.challenges import intake, placement, rules, units
from challenge.challenges.forms import field_errors, form_from_challenge, patch_from_form, values_of
from challenge.challenges.pages import detail_context, form_page
from challenge.challenges.schemas import AttachIn, MemberIn, ReviewIn, UnitIn, WithdrawIn
from challenge.platform import clock
from challenge.platform.accounts.guards import staff_required
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_, request_locale
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.platform.security.limits import validated

DECISIONS = {
    "request_changes": N_("Request changes"),
    "approve": N_("Approve"),
    "decline": N_("Decline"),
}


def _base_url(request: Request) -> str:
    return request.app.state.settings.base_url


async def _units_page(status: int = 200, **extra) -> Template:
    return Template(
        template_name="challenge/challenges/staff_units.html",
        status_code=status,
        context={
            "units": await units.list_units(),
            "kinds": rules.UNIT_KIND_LABELS,
            "values": {},
            "errors": {},
            **extra,
        },
    )


async def _unit_page(unit_id: UUID, status: int = 200, **extra) -> Template:
    return Template(
        template_name="challenge/challenges/staff_unit.html",
        status_code=status,
        context={
            "unit": await units.get_unit(unit_id),
            "kinds": rules.UNIT_KIND_LABELS,
            "members": await units.members_of(unit_id),
            "values": {},
            "errors": {},
            "notice": None,
            **extra,
        },
    )


class StaffUnitPages(Controller):
    path = "/staff/units"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_units")
    async def list_units(self) -> Template:
        return await _units_page()

    @post("/")
    async def create(self, request: Request, data: FormData) -> Template | Redirect:
        values = {"name": form_value(data, "name"), "kind": form_value(data, "kind")}
        try:
            unit = await units.create_unit(request.scope["user"], validated(UnitIn(**values)))
        except Problem as problem:
            return await _units_page(problem.status, values=values, errors=errors_of(problem))
        return Redirect(f"/staff/units/{unit['id']}", status_code=303)

    @get("/{unit_id:uuid}", name="staff_unit")
    async def unit(self, unit_id: FromPath[UUID]) -> Template:
        return await _unit_page(unit_id)

    @post("/{unit_id:uuid}/members")
    async def invite(self, request: Request, unit_id: FromPath[UUID], data: FormData) -> Template:
        values = {"email": form_value(data, "email"), "name": form_value(data, "name")}
        try:
            await units.add_member(
                request.scope["user"],
                unit_id,
                validated(MemberIn(**values)),
                base_url=_base_url(request),
            )
        except Problem as problem:
            return await _unit_page(
                unit_id, problem.status, values=values, errors=errors_of(problem)
            )
        return await _unit_page(unit_id, notice=values["email"].strip())

    @get("/{unit_id:uuid}/members/{member_id:uuid}/remove")
    async def confirm_remove(self, unit_id: FromPath[UUID], member_id: FromPath[UUID]) -> Template:
        unit = await units.get_unit(unit_id)
        member = next((m for m in await units.members_of(unit_id) if m["id"] == member_id), None)
        if member is None:
            raise not_found()
        return Template(
            template_name="challenge/challenges/staff_remove_member.html",
            context={"unit": unit, "member": member},
        )

    @post("/{unit_id:uuid}/members/{member_id:uuid}/remove")
    async def remove(
        self, request: Request, unit_id: FromPath[UUID], member_id: FromPath[UUID]
    ) -> Redirect:
        await units.remove_member(request.scope["user"], unit_id, member_id)
        return Redirect(f"/staff/units/{unit_id}", status_code=303)


async def _open_calls() -> list[dict]:
    """Calls a challenge may still join: drafts and calls that have not opened."""
    return [call for call in await staff_list() if call["phase"] in ("draft", "upcoming")]


async def _challenge_page(challenge_id: UUID, status: int = 200, **extra) -> Template:
    row = await intake.load(challenge_id)
    call = await placement.call_of(row)
    return Template(
        template_name="challenge/challenges/staff_detail.html",
        status_code=status,
        context={
            **detail_context(row, await intake.events_of(challenge_id)),
            "call": call,
            # only what intake.review_challenge and update_challenge accept is offered
            "decisions": [d for d in DECISIONS if rules.next_status(row["status"], d)],
            "decision_labels": DECISIONS,
            "frozen": await intake.is_frozen(row),
            "calls": await _open_calls() if row["status"] == "approved" and not call else [],
            "values": {},
            "errors": {},
            **extra,
        },
    )


class StaffChallengePages(Controller):
    path = "/staff/challenges"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_challenges")
    async def challenges(
        self,
        request: Request,
        status: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> Template:
        status = status if status in rules.STATUS_LABELS else None
        return Template(
            template_name="challenge/challenges/staff_list.html",
            context={
                "rows": await intake.list_challenges(request.scope["user"], status=status),
                "status": status or "",
                "status_labels": rules.STATUS_LABELS,
            },
        )

    @get("/{challenge_id:uuid}", name="staff_challenge")
    async def challenge(self, challenge_id: FromPath[UUID]) -> Template:
        return await _challenge_page(challenge_id)

    @post("/{challenge_id:uuid}/review")
    async def review(
        self, request: Request, challenge_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        values = {"decision": form_value(data, "decision"), "comment": form_value(data, "comment")}
        try:
            await intake.review_challenge(
                request.scope["user"],
                challenge_id,
                validated(ReviewIn(**values)),
                base_url=_base_url(request),
            )
        except Problem as problem:
            return await _challenge_page(
                challenge_id, problem.status, values=values, errors=errors_of(problem)
            )
        return Redirect(f"/staff/challenges/{challenge_id}", status_code=303)

    @post("/{challenge_id:uuid}/attach")
    async def attach(
        self, request: Request, challenge_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        values = {"call": form_value(data, "call"), "key": form_value(data, "key").strip()}
        try:
            if not values["call"]:
                raise Problem(
                    422,
                    "validation_error",
                    N_("Some fields are missing or invalid."),
                    errors=[FieldError("call", N_("Choose a call."))],
                )
            call = await get_call(values["call"], include_drafts=True)
            attach = validated(AttachIn(challenge_id=challenge_id, key=values["key"]))
            await placement.attach(request.scope["user"], call, attach)
        except Problem as problem:
            return await _challenge_page(
                challenge_id, problem.status, values=values, errors=errors_of(problem)
            )
        return Redirect(f"/staff/calls/{call['slug']}/challenges", status_code=303)

    @get("/{challenge_id:uuid}/edit")
    async def edit(self, request: Request, challenge_id: FromPath[UUID]) -> Template:
        row = await intake.load(challenge_id)
        if await intake.is_frozen(row):  # update_challenge would refuse the form
            return await _challenge_page(challenge_id)
        return _staff_form(row, form_from_challenge(row, request_locale(request)), {})

    @post("/{challenge_id:uuid}/edit")
    async def update(
        self, request: Request, challenge_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        row = await intake.load(challenge_id)
        try:
            patch = patch_from_form(data, request_locale(request), row["unit"])
            await intake.update_challenge(request.scope["user"], challenge_id, patch)
        except Problem as problem:
            return _staff_form(row, values_of(data), field_errors(problem), problem.status)
        return Redirect(f"/staff/challenges/{challenge_id}", status_code=303)


def _staff_form(row: dict, values: dict, errors: dict, status: int = 200) -> Template:
    return form_page(
        values,
        errors,
        action=f"/staff/challenges/{row['id']}/edit",
        mine=[{"id": row["unit"], "name": row["unit_name"]}],
        status=status,
        challenge=row,
        cancel=f"/staff/challenges/{row['id']}",
    )


async def _call_page(slug: str, status: int = 200, **extra) -> Template:
    call = await get_call(slug, include_drafts=True)
    rows = await placement.of_call(call["id"])
    for row in rows:  # the rules placement.withdraw and placement.move apply
        row["withdrawable"] = await placement.may_withdraw(row["id"])
    return Template(
        template_name="challenge/challenges/staff_call.html",
        status_code=status,
        context={
            "call": call,
            "rows": rows,
            "movable": not rules.call_has_opened(call, clock.now()),
            "errors": {},
            **extra,
        },
    )


class StaffCallChallengePages(Controller):
    path = "/staff/calls/{slug:str}/challenges"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_call_challenges")
    async def challenges(self, slug: FromPath[str]) -> Template:
        return await _call_page(slug)

    @post("/{key:str}/move")
    async def move(
        self, request: Request, slug: FromPath[str], key: FromPath[str], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        keys = [row["key"] for row in await placement.of_call(call["id"])]
        if key not in keys:
            raise not_found()
        step = -1 if form_value(data, "direction") == "up" else 1
        position = min(max(keys.index(key) + step, 0), len(keys) - 1)
        try:
            await placement.move(request.scope["user"], call, key, position)
        except Problem as problem:
            return await _call_page(slug, problem.status, errors=errors_of(problem))
        return Redirect(f"/staff/calls/{slug}/challenges", status_code=303)

    @get("/{key:str}/withdraw")
    async def confirm_withdraw(self, slug: FromPath[str], key: FromPath[str]) -> Template:
        return await _withdraw_page(slug, key)

    @post("/{key:str}/withdraw")
    async def withdraw(
        self, request: Request, slug: FromPath[str], key: FromPath[str], data: FormData
    ) -> Template | Redirect:
        reason = form_value(data, "reason")
        try:
            call = await get_call(slug, include_drafts=True)
            checked = validated(WithdrawIn(reason=reason.strip()))
            await placement.withdraw(request.scope["user"], call, key, checked.reason)
        except Problem as problem:
            if problem.status == 404:
                raise
            return await _withdraw_page(
                slug, key, problem.status, reason=reason, errors=errors_of(problem)
            )
        return Redirect(f"/staff/calls/{slug}/challenges", status_code=303)


async def _withdraw_page(slug: str, key: str, status: int = 200, **extra) -> Template:
    call = await get_call(slug, include_drafts=True)
    challenge = await placement.by_key(call["id"], key)
    return Template(
        template_name="challenge/challenges/staff_withdraw.html",
        status_code=status,
        context={
            "call": call,
            "challenge": challenge,
            "withdrawable": await placement.may_withdraw(challenge["id"]),
            "reason": "",
            "errors": {},
            **extra,
        },
    )
