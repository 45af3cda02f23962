"""JSON API for units and challenges (API.md, Challenges)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.calls.policies import may_see_draft_calls
from challenge.calls.schemas import FaqItem, Question
from challenge.calls.services import get_call
from challenge.challenges import intake, placement, units
from challenge.challenges.schemas import (
    AttachIn,
    ChallengeIn,
    ChallengeOut,
    ChallengePatch,
    EventOut,
    MemberIn,
    MoveIn,
    Offer,
    ReviewIn,
    UnitIn,
    UnitOut,
    WithdrawIn,
)
from challenge.platform.accounts.guards import login_required, staff_required


def to_out(row: dict, call_slug: str | None = None) -> ChallengeOut:
    """A challenge as the API shows it."""
    return ChallengeOut(
        id=row["id"],
        key=row["key"],
        status=row["status"],
        unit_id=row["unit"],
        unit=row["unit_name"],
        title=row["title"],
        problem=row["problem"],
        affected=row["affected"],
        outcome=row["outcome"],
        contact_name=row["contact_name"],
        mentor_name=row["mentor_name"],
        offer=msgspec.convert(row["offer"] or {}, Offer),
        constraints=row["constraints"],
        pilot_budget_cents=row["pilot_budget_cents"],
        pilot_months=row["pilot_months"],
        places=row["places"],
        stipend_cents=row["stipend_cents"],
        call=call_slug,
        position=row["position"],
        questions=msgspec.convert(row["questions"] or [], list[Question]),
        faq=msgspec.convert(row["faq"] or [], list[FaqItem]),
    )


def _base_url(request: Request) -> str:
    return request.app.state.settings.base_url


class UnitsApi(Controller):
    path = "/api/v1/units"
    tags = ["challenges"]
    guards = [staff_required]

    @get("/", summary="City units")
    async def list_units(self) -> list[UnitOut]:
        return [msgspec.convert(row, UnitOut) for row in await units.list_units()]

    @post("/", status_code=HTTP_201_CREATED, summary="Create a city unit")
    async def create_unit(self, request: Request, data: JSONBody[UnitIn]) -> UnitOut:
        row = await units.create_unit(request.scope["user"], data)
        return msgspec.convert(row, UnitOut)

    @post("/{unit_id:uuid}/members", status_code=HTTP_201_CREATED, summary="Invite a member")
    async def add_member(
        self, request: Request, unit_id: FromPath[UUID], data: JSONBody[MemberIn]
    ) -> dict:
        return await units.add_member(
            request.scope["user"], unit_id, data, base_url=_base_url(request)
        )


class ChallengesApi(Controller):
    path = "/api/v1/challenges"
    tags = ["challenges"]
    guards = [login_required]

    @get("/", summary="Challenges of my units (staff: all)")
    async def list_challenges(
        self,
        request: Request,
        status: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> list[ChallengeOut]:
        rows = await intake.list_challenges(request.scope["user"], status=status)
        return [to_out(row) for row in rows]

    @post("/", status_code=HTTP_201_CREATED, summary="Draft a challenge")
    async def create(self, request: Request, data: JSONBody[ChallengeIn]) -> ChallengeOut:
        return to_out(await intake.create_challenge(request.scope["user"], data))

    @get("/{challenge_id:uuid}", summary="One challenge")
    async def read(self, request: Request, challenge_id: FromPath[UUID]) -> ChallengeOut:
        return to_out(await intake.readable(request.scope["user"], challenge_id))

    @patch("/{challenge_id:uuid}", summary="Change a challenge")
    async def update(
        self, request: Request, challenge_id: FromPath[UUID], data: JSONBody[ChallengePatch]
    ) -> ChallengeOut:
        row = await intake.update_challenge(request.scope["user"], challenge_id, data)
        return to_out(row)

    @get("/{challenge_id:uuid}/events", summary="A challenge's review history")
    async def events(self, request: Request, challenge_id: FromPath[UUID]) -> list[EventOut]:
        await intake.readable(request.scope["user"], challenge_id)
        rows = await intake.events_of(challenge_id)
        return [msgspec.convert({**r, "actor": r["actor"] or ""}, EventOut) for r in rows]

    @post("/{challenge_id:uuid}/submit", status_code=HTTP_200_OK, summary="Hand in for review")
    async def submit(self, request: Request, challenge_id: FromPath[UUID]) -> ChallengeOut:
        return to_out(await intake.submit_challenge(request.scope["user"], challenge_id))

    @post(
        "/{challenge_id:uuid}/review",
        guards=[staff_required],
        status_code=HTTP_200_OK,
        summary="Review a challenge",
    )
    async def review(
        self, request: Request, challenge_id: FromPath[UUID], data: JSONBody[ReviewIn]
    ) -> ChallengeOut:
        row = await intake.review_challenge(
            request.scope["user"], challenge_id, data, base_url=_base_url(request)
        )
        return to_out(row)


class CallChallengesApi(Controller):
    path = "/api/v1/calls/{slug:str}/challenges"
    tags = ["challenges"]

    @get("/", summary="The call's challenges")
    async def list_for_call(self, request: Request, slug: FromPath[str]) -> list[ChallengeOut]:
        call = await get_call(slug, include_drafts=may_see_draft_calls(request.scope.get("user")))
        return [to_out(row, slug) for row in await placement.of_call(call["id"])]

    @post("/", guards=[staff_required], status_code=HTTP_201_CREATED, summary="Attach")
    async def attach(
        self, request: Request, slug: FromPath[str], data: JSONBody[AttachIn]
    ) -> ChallengeOut:
        call = await get_call(slug, include_drafts=True)
        return to_out(await placement.attach(request.scope["user"], call, data), slug)

    @patch("/{key:str}", guards=[staff_required], summary="Move a challenge in the list")
    async def move(
        self, request: Request, slug: FromPath[str], key: FromPath[str], data: JSONBody[MoveIn]
    ) -> ChallengeOut:
        call = await get_call(slug, include_drafts=True)
        return to_out(await placement.move(request.scope["user"], call, key, data.position), slug)

    @post(
        "/{key:str}/withdraw",
        guards=[staff_required],
        status_code=HTTP_200_OK,
        summary="Withdraw a challenge",
    )
    async def withdraw(
        self, request: Request, slug: FromPath[str], key: FromPath[str], data: JSONBody[WithdrawIn]
    ) -> ChallengeOut:
        call = await get_call(slug, include_drafts=True)
        return to_out(await placement.withdraw(request.scope["user"], call, key, data.reason))
