"""Staff jury page: invite jurors, see declarations and progress, assign, lift conflicts, remind."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from challenge.calls.services import get_call
from challenge.jury import assigning, conflicts, services
from challenge.jury.tables import Assignment, Juror
from challenge.platform.accounts.forms import FormData, errors_of, form_value
from challenge.platform.accounts.guards import staff_required
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.submissions.tables import Submission


async def _page(request: Request, call: dict, *, errors: dict | None = None, status: int = 200, notice=None,
                affected: str = "") -> Template:
    jurors = await Juror.select(Juror.user, Juror.user.name.as_alias("name"), Juror.user.email.as_alias("email"),
                                Juror.accepted_at, Juror.declaration_completed_at).where(Juror.call == call["id"])
    assignments = await Assignment.select(Assignment.juror, Assignment.submission, Assignment.status).where(
        (Assignment.round.call == call["id"]) & (Assignment.status != "recused"))
    for juror in jurors:
        mine = [a for a in assignments if a["juror"] == juror["user"]]
        juror["assigned"], juror["done"] = len(mine), sum(1 for a in mine if a["status"] == "done")
    entries = await Submission.select(Submission.id, Submission.reference, Submission.title).where(
        (Submission.call == call["id"]) & (Submission.status == "submitted")).order_by(Submission.reference)
    for entry in entries:
        mine = [a for a in assignments if a["submission"] == entry["id"]]
        entry["assigned"], entry["done"] = len(mine), sum(1 for a in mine if a["status"] == "done")
    active = await conflicts.active_conflicts(call["id"])
    names = {j["user"]: j["name"] for j in jurors}
    titles = {e["id"]: e["reference"] for e in entries}
    for conflict in active:
        conflict["juror_name"], conflict["entry"] = names.get(conflict["juror"], ""), titles.get(conflict["submission"], "")
    total = len(assignments)
    return Template(template_name="challenge/jury/staff.html", status_code=status, context={
        "call": call, "jurors": jurors, "entries": entries, "conflicts": active, "errors": errors or {},
        "notice": notice, "done": sum(1 for a in assignments if a["status"] == "done"), "total": total,
        "affected": affected,
    })


class StaffJuryPages(Controller):
    path = "/staff/calls/{slug:str}/jury"
    include_in_schema = False
    guards = [staff_required]

    @get("/", name="staff_jury")
    async def jury(self, request: Request, slug: FromPath[str]) -> Template:
        return await _page(request, await get_call(slug, include_drafts=True))

    @post("/invite")
    async def invite(self, request: Request, slug: FromPath[str], data: FormData) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        try:
            await services.invite_juror(request.scope["user"], call, email=form_value(data, "email"),
                                        name=form_value(data, "name"), base_url=request.app.state.settings.base_url)
        except Problem as problem:
            return await _page(request, call, errors=errors_of(problem), status=problem.status)
        return Redirect(f"/staff/calls/{slug}/jury", status_code=303)

    @post("/assign")
    async def assign(self, request: Request, slug: FromPath[str], data: FormData) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        try:
            k = int(form_value(data, "reviews_per_submission") or "0")
            result = await assigning.auto_assign(request.scope["user"], call, number=1, reviews_per_submission=k)
        except ValueError:
            return await _page(request, call, errors={"reviews_per_submission": N_("Choose between 1 and 20.")}, status=422)
        except Problem as problem:
            entries = problem.extra.get("entries") or []
            errors = {"reviews_per_submission": problem.detail} if entries else errors_of(problem)
            # the entries concerned are listed beside the summary, not as an error without a field
            return await _page(request, call, errors=errors, status=problem.status, affected=", ".join(entries))
        return await _page(request, call, notice=("assigned", result["created"]))

    @post("/conflicts/{conflict_id:uuid}/lift")
    async def lift(self, request: Request, slug: FromPath[str], conflict_id: FromPath[UUID], data: FormData) -> Template | Redirect:
        call = await get_call(slug, include_drafts=True)
        try:
            await conflicts.lift_conflict(request.scope["user"], call, conflict_id, form_value(data, "reason"))
        except Problem as problem:
            return await _page(request, call, errors=errors_of(problem), status=problem.status)
        return Redirect(f"/staff/calls/{slug}/jury", status_code=303)

    @post("/remind")
    async def remind(self, request: Request, slug: FromPath[str]) -> Template:
        call = await get_call(slug, include_drafts=True)
        sent = await services.remind(request.scope["user"], call, base_url=request.app.state.settings.base_url)
        return await _page(request, call, notice=("reminded", sent))
