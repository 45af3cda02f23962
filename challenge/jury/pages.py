"""Juror pages: accept, declare conflicts before seeing anything, and the scoring screen."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.calls.services import get_call
from challenge.jury import (
    assignment_service,
    conflict_declaration,
    conflict_withdrawal,
    extras,
    reviews,
    scoring,
    services,
    unit_comments,
)
from challenge.jury.api import team_key
from challenge.jury.totals import running_total
from challenge.platform import clock
from challenge.platform.accounts.guards import login_required
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.submissions import policies as submission_policies
from challenge.submissions.services import documents_of

RoundNumber = Annotated[int, QueryParameter(ge=1, le=10)]
N_UNCONFIRMED = N_("Confirm that your scores are complete: a final review cannot be changed.")


def scores_from_form(criteria: list[dict], data: dict) -> tuple[dict, dict]:
    """Scores and per-criterion comments from the review form; unreadable scores stay text for the rules to refuse."""
    scores, comments = {}, {}
    for criterion in criteria:
        raw = form_value(data, f"score_{criterion['key']}").strip()
        if raw:
            try:
                scores[criterion["key"]] = int(raw)
            except ValueError:
                scores[criterion["key"]] = raw  # refused with a message by the rules
        note = form_value(data, f"comment_{criterion['key']}").strip()
        if note:
            comments[criterion["key"]] = note
    return scores, comments


class JuryPages(Controller):
    path = "/jury"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="jury")
    async def overview(self, request: Request) -> Template:
        user = request.scope["user"]
        juries = await scoring.juries_with_progress(user, await services.my_juries(user))
        return Template(template_name="challenge/jury/overview.html", context={"juries": juries})

    @get("/calls/{slug:str}", name="jury_call")
    async def call(self, request: Request, slug: FromPath[str]) -> Template:
        call = await get_call(slug, include_drafts=True)
        juror = await services.require_juror(call, request.scope["user"])
        assignments = await assignment_service.visible_assignments(
            request.scope["user"], call, juror
        )
        return Template(
            template_name="challenge/jury/call.html",
            context={
                "call": call,
                "juror": juror,
                "assignments": scoring.ordered(assignments),
                "counts": scoring.progress(assignments),
                "window_end": await scoring.window_end(call, assignments),
            },
        )

    @post("/calls/{slug:str}/accept")
    async def accept(self, request: Request, slug: FromPath[str]) -> Redirect:
        call = await get_call(slug, include_drafts=True)
        await services.accept(call, request.scope["user"])
        return Redirect(f"/jury/calls/{slug}/declaration", status_code=303)

    @get("/calls/{slug:str}/declaration", name="jury_declaration")
    async def declaration(self, request: Request, slug: FromPath[str]) -> Template:
        call = await get_call(slug, include_drafts=True)
        return await self._declaration(request, call)

    async def _declaration(
        self, request: Request, call: dict, errors: dict | None = None, status: int = 200
    ) -> Template:
        # a blind call lists teams (each with its conflict), never entries
        data = await conflict_declaration.declaration(
            call, request.scope["user"], key=team_key(request)
        )
        rows = (
            data["teams"]
            if data["blind"]
            else [{**e, "token": str(e["id"]), "conflict": None} for e in data["entries"]]
        )
        by_submission = {c["submission"]: c for c in data["conflicts"]} if not data["blind"] else {}
        for row in rows:
            if not data["blind"]:
                row["conflict"] = by_submission.get(row["id"])
        return Template(
            template_name="challenge/jury/declaration.html",
            status_code=status,
            context={
                "call": call,
                "rows": rows,
                "complete": data["complete"],
                "blind": data["blind"],
                "errors": errors or {},
            },
        )

    @post("/calls/{slug:str}/conflicts")
    async def declare(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        target, kind = form_value(data, "target").strip(), form_value(data, "kind")
        try:
            if call["blind_review"]:
                if not target:
                    raise ValueError
                refs = {"team": target}
            else:
                refs = (
                    {"organisation_id": UUID(target)}
                    if kind == "organisation"
                    else {"submission_id": UUID(target)}
                )
            await conflict_declaration.declare_conflict(
                call,
                request.scope["user"],
                form_value(data, "reason"),
                key=team_key(request),
                **refs,
            )
        except ValueError:
            return await self._declaration(
                request, call, {"reason": N_("Name the entry or the team.")}, 422
            )
        except Problem as problem:
            return await self._declaration(request, call, errors_of(problem), problem.status)
        return Redirect(f"/jury/calls/{slug}/declaration", status_code=303)

    @post("/calls/{slug:str}/conflicts/{conflict_id:uuid}/withdraw")
    async def take_back(
        self, request: Request, slug: FromPath[str], conflict_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        try:
            await conflict_withdrawal.withdraw_own_conflict(
                call, request.scope["user"], conflict_id, form_value(data, "reason")
            )
        except Problem as problem:
            errors = errors_of(problem)
            if "reason" in errors:
                errors = {
                    f"withdraw-{conflict_id}": errors["reason"]
                }  # the reason field of this very row
            return await self._declaration(request, call, errors, problem.status)
        return Redirect(f"/jury/calls/{slug}/declaration", status_code=303)

    @post("/calls/{slug:str}/declaration/complete")
    async def complete(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        if not form_value(data, "confirm"):
            return await self._declaration(
                request,
                call,
                {"confirm": N_("Please confirm that you have declared every conflict.")},
                422,
            )
        await conflict_declaration.complete_declaration(call, request.scope["user"])
        return Redirect(f"/jury/calls/{slug}", status_code=303)

    @get("/reviews/{submission_id:uuid}", name="jury_review")
    async def review(
        self, request: Request, submission_id: FromPath[UUID], round: RoundNumber = 1
    ) -> Template:
        return await self._review(request, submission_id, round)

    async def _review(
        self,
        request: Request,
        submission_id: UUID,
        number: int,
        *,
        errors: dict | None = None,
        values: dict | None = None,
        status: int = 200,
        notice: str | None = None,
    ) -> Template:
        user = request.scope["user"]
        submission, call, round_ = await reviews.review_context(user, submission_id, number)
        own = await reviews.own_review(round_["id"], user.id, submission_id)
        juror = await services.require_juror(call, user)
        assignments = await assignment_service.visible_assignments(user, call, juror)
        scores = values["scores"] if values else (own or {}).get("scores") or {}
        blind = await submission_policies.reads_blind(user, submission, call)
        return Template(
            template_name="challenge/jury/review.html",
            status_code=status,
            context={
                "submission": submission,
                "call": call,
                "round": round_,
                "review": own,
                "blind": blind,
                "documents": await documents_of(submission_id),
                "extras": await extras.extras_for(user, submission, blind),
                "unit_comments": await unit_comments.comments_for(submission),
                "errors": errors or {},
                "values": values,
                "notice": notice,
                "locked": reviews.locked_reason(call, round_, own),
                "window_end": reviews.window_end(call, round_),
                "total": running_total(scores, round_["criteria"] or []),
                "next_entry": scoring.next_open(assignments, submission_id, number),
            },
        )

    @post("/reviews/{submission_id:uuid}/autosave")
    async def autosave(
        self,
        request: Request,
        submission_id: FromPath[UUID],
        data: FormData,
        round: RoundNumber = 1,
    ) -> Template:
        """HTMX autosave of a draft review; answers with a status line and the running total."""
        _submission, _call, round_ = await reviews.review_context(
            request.scope["user"], submission_id, round
        )
        scores, comments = scores_from_form(round_["criteria"] or [], data)
        state = "saved"
        try:
            await reviews.save_review(
                request.scope["user"],
                submission_id,
                number=round,
                scores=scores,
                comment=form_value(data, "comment"),
                comments=comments,
                shareable=bool(form_value(data, "shareable")),
                final=False,
            )
        except Problem as problem:
            state = problem.code
        return Template(
            template_name="challenge/jury/_autosave.html",
            context={
                "state": state,
                "saved_at": clock.now(),
                "total": running_total(scores, round_["criteria"] or []),
                "swap_total": True,
            },
        )

    @post("/reviews/{submission_id:uuid}")
    async def save(
        self,
        request: Request,
        submission_id: FromPath[UUID],
        data: FormData,
        round: RoundNumber = 1,
    ) -> Template:
        _submission, _call, round_ = await reviews.review_context(
            request.scope["user"], submission_id, round
        )
        scores, comments = scores_from_form(round_["criteria"] or [], data)
        final = form_value(data, "action") == "final"
        values = {
            "scores": scores,
            "comments": comments,
            "comment": form_value(data, "comment"),
            "shareable": bool(form_value(data, "shareable")),
        }
        if final and not form_value(data, "confirm_final"):
            # finalising cannot be undone: without the confirmation nothing is saved
            return await self._review(
                request,
                submission_id,
                round,
                errors={"confirm_final": N_UNCONFIRMED},
                status=422,
                values=values,
            )
        try:
            await reviews.save_review(
                request.scope["user"],
                submission_id,
                number=round,
                scores=scores,
                comment=form_value(data, "comment"),
                comments=comments,
                shareable=bool(form_value(data, "shareable")),
                final=final,
            )
        except Problem as problem:
            return await self._review(
                request,
                submission_id,
                round,
                errors=errors_of(problem),
                status=problem.status,
                values=values,
            )
        return await self._review(
            request, submission_id, round, notice="final" if final else "saved"
        )
