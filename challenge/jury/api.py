"""JSON API of the jury: staff manage jurors, conflicts and assignments; jurors declare and review."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from challenge.calls.services import get_call
from challenge.jury import (
    assignment_service,
    conflict_declaration,
    conflict_withdrawal,
    conflicts,
    progress,
    reviews,
    rounds,
    services,
    staff_conflicts,
    unit_comments,
)
from challenge.jury.schemas import (
    AssignmentIn,
    AssignmentOut,
    AutoAssignIn,
    BlindDeclaration,
    ConflictIn,
    ConflictOut,
    Declaration,
    DeclaredEntry,
    DeclaredTeam,
    JurorIn,
    JurorOut,
    LiftIn,
    ReviewIn,
    ReviewOut,
    StaffConflictIn,
    UnitCommentIn,
    UnitCommentOut,
    WithdrawIn,
)
from challenge.platform.accounts.guards import login_required, staff_required

Round = Annotated[int, QueryParameter(ge=1, le=10)]


def conflict_out(row: dict) -> ConflictOut:
    """Per entry; a blind call's per-team conflict names the team's token and no entry."""
    locked = row.get("locked", row["source"] in conflicts.LOCKED_SOURCES)
    if "team" in row:
        return ConflictOut(
            id=row["id"],
            team=row["team"],
            reason=row["reason"],
            source=row["source"],
            locked=locked,
        )
    return ConflictOut(
        id=row["id"],
        submission_id=row["submission"],
        reason=row["reason"],
        source=row["source"],
        locked=locked,
    )


def team_key(request: Request) -> str:
    """The key of the blind calls' team tokens."""
    return request.app.state.settings.secret_key or ""


def review_out(row: dict, number: int) -> ReviewOut:
    """A review as the API returns it."""
    return ReviewOut(
        submission_id=row["submission"],
        round=number,
        scores=row["scores"] or {},
        comment=row["comment"],
        comments=row["comments"] or {},
        shareable=row["shareable"],
        status=row["status"],
        rubric_version=row["rubric_version"],
    )


class StaffJuryApi(Controller):
    path = "/api/v1/calls/{slug:str}"
    tags = ["jury"]
    guards = [staff_required]

    @post("/jurors", status_code=HTTP_201_CREATED)
    async def invite(self, request: Request, slug: FromPath[str], data: JSONBody[JurorIn]) -> dict:
        """Invite a juror; new people get an account and a link to set their password."""
        call = await get_call(slug, include_drafts=True)
        return await services.invite_juror(
            request.scope["user"],
            call,
            email=data.email,
            name=data.name,
            base_url=request.app.state.settings.base_url,
            challenges=data.challenges,
        )

    @get("/jurors")
    async def jurors(self, slug: FromPath[str]) -> list[JurorOut]:
        """Who accepted, who declared, and each juror's progress."""
        call = await get_call(slug, include_drafts=True)
        rows = await progress.jurors_with_progress(call)
        return [
            JurorOut(
                id=r["id"],
                user_id=r["user"],
                email=r["email"],
                name=r["name"],
                accepted_at=r["accepted_at"],
                declaration_completed_at=r["declaration_completed_at"],
                assigned=r["assigned"],
                done=r["done"],
                challenges=[c["key"] for c in r["challenges"]],
            )
            for r in rows
        ]

    @post("/assignments/auto", status_code=HTTP_200_OK)
    async def auto(
        self, request: Request, slug: FromPath[str], data: JSONBody[AutoAssignIn]
    ) -> dict:
        """Balanced, conflict-free assignment; a re-run only fills gaps."""
        call = await get_call(slug, include_drafts=True)
        return await assignment_service.auto_assign(
            request.scope["user"],
            call,
            number=data.round,
            reviews_per_submission=data.reviews_per_submission,
        )

    @post("/assignments", status_code=HTTP_201_CREATED)
    async def add(
        self, request: Request, slug: FromPath[str], data: JSONBody[AssignmentIn]
    ) -> dict:
        call = await get_call(slug, include_drafts=True)
        return await assignment_service.add_assignment(
            request.scope["user"],
            call,
            number=data.round,
            juror_id=data.juror_id,
            submission_id=data.submission_id,
        )

    @delete("/assignments/{assignment_id:uuid}")
    async def remove(
        self, request: Request, slug: FromPath[str], assignment_id: FromPath[UUID]
    ) -> None:
        call = await get_call(slug, include_drafts=True)
        await assignment_service.remove_assignment(request.scope["user"], call, assignment_id)

    @post("/rounds", status_code=HTTP_201_CREATED)
    async def create_round(
        self, request: Request, slug: FromPath[str], data: JSONBody[rounds.RoundIn]
    ) -> dict:
        """A later round (e.g. the final jury at a pitch) with its own rubric."""
        call = await get_call(slug, include_drafts=True)
        return await rounds.create_round(request.scope["user"], call, data)

    @put("/rounds/{number:int}/entries", status_code=HTTP_200_OK)
    async def shortlist(
        self,
        request: Request,
        slug: FromPath[str],
        number: FromPath[int],
        data: JSONBody[rounds.ShortlistIn],
    ) -> dict:
        call = await get_call(slug, include_drafts=True)
        ids = await rounds.set_shortlist(request.scope["user"], call, number, data.submission_ids)
        return {"round": number, "submission_ids": ids}

    @put("/jurors/{user_id:uuid}", status_code=HTTP_200_OK)
    async def juror_rounds(
        self,
        request: Request,
        slug: FromPath[str],
        user_id: FromPath[UUID],
        data: JSONBody[rounds.JurorRoundsIn],
    ) -> dict:
        """Which rounds a juror serves in, and their expertise (preferred categories)."""
        call = await get_call(slug, include_drafts=True)
        return await rounds.set_juror_rounds(request.scope["user"], call, user_id, data)

    @get("/conflicts")
    async def conflicts(self, slug: FromPath[str]) -> list[dict]:
        """Every active conflict and suggestion of the call, with who and why."""
        call = await get_call(slug, include_drafts=True)
        return await conflicts.active_conflicts(call["id"])

    @post("/conflicts", status_code=HTTP_201_CREATED)
    async def add_conflict(
        self, request: Request, slug: FromPath[str], data: JSONBody[StaffConflictIn]
    ) -> ConflictOut:
        call = await get_call(slug, include_drafts=True)
        return conflict_out(
            await staff_conflicts.staff_conflict(
                request.scope["user"],
                call,
                juror_id=data.juror_id,
                submission_id=data.submission_id,
                reason=data.reason,
            )
        )

    @post("/conflicts/{conflict_id:uuid}/lift", status_code=HTTP_200_OK)
    async def lift(
        self,
        request: Request,
        slug: FromPath[str],
        conflict_id: FromPath[UUID],
        data: JSONBody[LiftIn],
    ) -> None:
        call = await get_call(slug, include_drafts=True)
        await staff_conflicts.lift_conflict(request.scope["user"], call, conflict_id, data.reason)


class JurorApi(Controller):
    path = "/api/v1/jury"
    tags = ["jury"]
    guards = [login_required]

    @post("/calls/{slug:str}/accept", status_code=HTTP_200_OK)
    async def accept(self, request: Request, slug: FromPath[str]) -> dict:
        call = await get_call(slug, include_drafts=True)
        juror = await services.accept(call, request.scope["user"])
        return {"accepted_at": juror["accepted_at"]}

    @get("/calls/{slug:str}/declaration")
    async def declaration(
        self, request: Request, slug: FromPath[str]
    ) -> Declaration | BlindDeclaration:
        """Before any content: who applied (names, members, titles) and the pre-marked conflicts.
        On a blind call: the teams (with an opaque token each) and conflicts per team, no entries."""
        call = await get_call(slug, include_drafts=True)
        data = await conflict_declaration.declaration(
            call, request.scope["user"], key=team_key(request)
        )
        marked = [conflict_out(c) for c in data["conflicts"]]
        if data["blind"]:
            return BlindDeclaration(
                teams=[
                    DeclaredTeam(
                        team=t["token"],
                        organisation=t["organisation_name"],
                        members=[m["name"] for m in t["members"]],
                    )
                    for t in data["teams"]
                ],
                conflicts=marked,
                complete=data["complete"],
            )
        entries = [
            DeclaredEntry(
                id=e["id"],
                title=e["title"],
                organisation=e["organisation_name"],
                organisation_id=e["organisation"],
                members=[m["name"] for m in e["members"]],
            )
            for e in data["entries"]
        ]
        return Declaration(submissions=entries, conflicts=marked, complete=data["complete"])

    @post("/calls/{slug:str}/conflicts", status_code=HTTP_201_CREATED)
    async def declare(
        self, request: Request, slug: FromPath[str], data: JSONBody[ConflictIn]
    ) -> list[ConflictOut]:
        call = await get_call(slug, include_drafts=True)
        rows = await conflict_declaration.declare_conflict(
            call,
            request.scope["user"],
            data.reason,
            submission_id=data.submission_id,
            organisation_id=data.organisation_id,
            team=data.team,
            key=team_key(request),
        )
        return [conflict_out(r) for r in rows]

    @delete("/calls/{slug:str}/conflicts/{conflict_id:uuid}")
    async def take_back(
        self,
        request: Request,
        slug: FromPath[str],
        conflict_id: FromPath[UUID],
        data: JSONBody[WithdrawIn | None] = None,
    ) -> None:
        """Take back a mark before completing, with a reason (body ``{reason}``; audited). Membership
        and staff conflicts: 403 ``conflict_locked``."""
        call = await get_call(slug, include_drafts=True)
        await conflict_withdrawal.withdraw_own_conflict(
            call, request.scope["user"], conflict_id, data.reason if data else ""
        )

    @post("/calls/{slug:str}/declaration/complete", status_code=HTTP_200_OK)
    async def complete(self, request: Request, slug: FromPath[str]) -> dict:
        call = await get_call(slug, include_drafts=True)
        juror = await conflict_declaration.complete_declaration(call, request.scope["user"])
        return {"complete": True, "completed_at": juror["declaration_completed_at"]}

    @get("/assignments")
    async def assignments(self, request: Request) -> list[AssignmentOut]:
        rows = await assignment_service.assignments_of(request.scope["user"])
        return [
            AssignmentOut(
                id=r["id"],
                call=r["call"],
                round=r["round"],
                submission_id=r["submission"],
                title=r["title"],
                status=r["status"],
            )
            for r in rows
        ]

    @get("/reviews/{submission_id:uuid}")
    async def own_review(
        self, request: Request, submission_id: FromPath[UUID], round: Round = 1
    ) -> ReviewOut | None:
        _submission, _call, round_ = await reviews.review_context(
            request.scope["user"], submission_id, round
        )
        row = await reviews.own_review(round_["id"], request.scope["user"].id, submission_id)
        return review_out(row, round) if row else None

    @put("/reviews/{submission_id:uuid}")
    async def save(
        self, request: Request, submission_id: FromPath[UUID], data: JSONBody[ReviewIn]
    ) -> ReviewOut:
        """Save scores as a draft, or finalise them (then they never change)."""
        row = await reviews.save_review(
            request.scope["user"],
            submission_id,
            number=data.round,
            scores=data.scores,
            comment=data.comment,
            comments=data.comments,
            shareable=data.shareable,
            final=data.final,
        )
        return review_out(row, data.round)

    @get("/reviews/{submission_id:uuid}/others")
    async def others(
        self, request: Request, submission_id: FromPath[UUID], round: Round = 1
    ) -> list[dict]:
        return await reviews.others(request.scope["user"], submission_id, round)


class UnitCommentsApi(Controller):
    """The owning unit's comments for the jury on a proposal to its challenge."""

    path = "/api/v1/submissions/{submission_id:uuid}/unit-comments"
    tags = ["jury"]
    guards = [login_required]

    @post("/", status_code=HTTP_201_CREATED)
    async def add(
        self, request: Request, submission_id: FromPath[UUID], data: JSONBody[UnitCommentIn]
    ) -> UnitCommentOut:
        """A member of the owning unit, after the call's deadline; 404 for anyone else."""
        row = await unit_comments.add_comment(request.scope["user"], submission_id, data.body)
        return UnitCommentOut(**row)

    @get("/")
    async def comments(
        self, request: Request, submission_id: FromPath[UUID]
    ) -> list[UnitCommentOut]:
        """Staff, the owning unit and the entry's jurors."""
        rows = await unit_comments.readable_comments(request.scope["user"], submission_id)
        return [UnitCommentOut(**row) for row in rows]
