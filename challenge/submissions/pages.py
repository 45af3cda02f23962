"""Applicant pages: apply, a step-by-step form that works without JavaScript, review and
submit, withdraw, the dashboard. Conflicts from a second tab never lose typed text."""

from __future__ import annotations

import secrets
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from challenge.calls.entries import challenges_of
from challenge.calls.services import get_call
from challenge.organisations.services import my_organisations
from challenge.platform import clock, idempotency
from challenge.platform.accounts.guards import login_required
from challenge.platform.documents import outcomes as upload_outcomes
from challenge.platform.documents.multipart import MultipartUpload
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.submissions import attachments, drafts, notices, services, snapshots, submitting
from challenge.submissions.outcomes import links_for, outcome_for
from challenge.submissions.policies import may_edit
from challenge.submissions.progress import progress
from challenge.submissions.schemas import SubmissionIn, SubmissionPatch

STEPS = ("proposal", "questions", "documents", "review")


def answers_from_form(questions: list[dict], data: dict) -> dict:
    """Form fields answer_<key> as typed answers (numbers as numbers, empty ones left out)."""
    answers = {}
    for question in questions:
        if question["type"] == "file":
            continue
        raw = form_value(data, f"answer_{question['key']}").strip()
        if not raw:
            continue
        if question["type"] == "number":
            try:
                answers[question["key"]] = (
                    int(raw) if raw.lstrip("-").isdigit() else float(raw.replace(",", "."))
                )
            except ValueError:
                answers[question["key"]] = raw  # refused with a message by the rules
        else:
            answers[question["key"]] = raw.replace("\r\n", "\n")
    return answers


def fields_from_form(step: str, call: dict, data: dict) -> dict:
    """The fields one step of the form edits."""
    if step == "proposal":
        return {k: form_value(data, k) for k in ("title", "summary", "category")}
    return {"answers": answers_from_form(call["questions"] or [], data)}


async def _context(request: Request, submission_id: UUID, step: str = "review") -> dict:
    user = request.scope["user"]
    row = await services.team_view(user, submission_id)
    call = await services.call_for(row)
    deadline = await services.deadline_for(call, row["organisation"])
    documents = await services.documents_of(submission_id)
    now = clock.now()
    return {
        "outcome": await outcome_for(call, submission_id),
        "next_links": await links_for(request.scope["user"], row),
        "notices": await notices.notices_for(user, row),
        "submission": row,
        "call": call,
        "deadline": deadline,
        "now": now,
        "documents": documents,
        **await progress(
            call, row, documents, step, deadline, now, member=await may_edit(user, row)
        ),
        "versions": await services.versions(submission_id),
        "steps": STEPS,
        "errors": {},
        "values": {k: row[k] for k in snapshots.FIELDS},
        "conflict": None,
        "notice": None,
        "idempotency_key": secrets.token_urlsafe(16),
    }


SAVE_CHAIN = 20  # how many of its own earlier saves a form may have missed the answer of


async def _save_step(
    request: Request, submission_id: UUID, step: str, data: dict, fields: dict
) -> dict | None:
    """Save one step of the form (autosave or button) once, also when the request is retried.

    The form carries a key per page view (hidden field idempotency_key); each save is keyed by
    it and the version it starts from. A retried save (same key, version and fields) answers
    the version it produced (None: nothing to save). A save from a version whose own earlier
    save committed although its answer was lost (same key and version, other fields: the
    person typed on) continues from the version that save produced instead of conflicting.
    Without the field the save works as before (optimistic, by version alone)."""
    user = request.scope["user"]
    version = int(form_value(data, "version") or "0")
    key = form_value(data, idempotency.FIELD) or None
    if key is not None:
        idempotency.valid_key(key)
    for _ in range(SAVE_CHAIN):
        claim = idempotency.claim_for(
            user.id,
            None if key is None else f"{key}:{version}",
            f"POST /submissions/{{id}}/{step}",
            str(submission_id),
            fields,
        )
        stored = await idempotency.lookup(claim, strict=False)
        if stored is None:
            break
        if stored["same_request"]:
            return {"version": stored["result"]["version"]}
        version = stored["result"]["version"]  # its own earlier save: go on from there
    return await drafts.update(
        user, submission_id, SubmissionPatch(version=version, **fields), claim=claim
    )


def _next_step(submission_id: UUID, step: str) -> str:
    following = STEPS[STEPS.index(step) + 1]
    return (
        f"/submissions/{submission_id}/{following}"
        if following != "review"
        else f"/submissions/{submission_id}"
    )


def _page(step: str, context: dict, status: int = 200) -> Template:
    return Template(
        template_name=f"challenge/submissions/{step}.html",
        context={"step": step, **context},
        status_code=status,
    )


class ApplyPages(Controller):
    path = "/calls/{slug:str}/apply"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="apply")
    async def choose_team(
        self,
        request: Request,
        slug: FromPath[str],
        challenge: Annotated[str | None, QueryParameter(max_length=40)] = None,
    ) -> Template:
        call = await get_call(slug, include_drafts=False)
        return await _apply_page(request, call, challenge, {})

    @post("/")
    async def start(
        self, request: Request, slug: FromPath[str], data: FormData
    ) -> Template | Redirect:
        call = await get_call(slug, include_drafts=False)
        chosen = form_value(data, "challenge") or None
        try:
            team_id = UUID(form_value(data, "organisation_id"))
            row = await drafts.create_draft(
                request.scope["user"],
                call,
                SubmissionIn(organisation_id=team_id, challenge=chosen),
            )
        except ValueError:
            problem = Problem(422, "validation_error", N_("Choose a team."))
            return await _apply_page(request, call, chosen, errors_of(problem), 422)
        except Problem as problem:
            if problem.code in ("already_applied", "one_per_challenge"):
                return Redirect(f"/submissions/{problem.extra['submission_id']}", status_code=303)
            return await _apply_page(request, call, chosen, errors_of(problem), problem.status)
        return Redirect(f"/submissions/{row['id']}/proposal", status_code=303)


async def _apply_page(
    request: Request, call: dict, selected: str | None, errors: dict, status: int = 200
) -> Template:
    return Template(
        template_name="challenge/submissions/apply.html",
        status_code=status,
        context={
            "call": call,
            "teams": await my_organisations(request.scope["user"]),
            "challenges": await challenges_of(call["id"]),
            "selected": selected,
            "errors": errors,
        },
    )


class SubmissionPages(Controller):
    path = "/submissions/{submission_id:uuid}"
    include_in_schema = False
    guards = [login_required]

    @get("/", name="submission")
    async def overview(self, request: Request, submission_id: FromPath[UUID]) -> Template:
        return _page("review", await _context(request, submission_id))

    @get("/{step:str}")
    async def step(
        self,
        request: Request,
        submission_id: FromPath[UUID],
        step: FromPath[str],
        refused: Annotated[str | None, QueryParameter(max_length=40)] = None,
        uploaded: Annotated[str | None, QueryParameter(max_length=1)] = None,
    ) -> Template | Redirect:
        if step not in ("proposal", "questions", "documents"):
            raise Problem(404, "not_found", N_("Page not found"))
        context = await _context(request, submission_id, step)
        if not context["may_edit"]:  # withdrawn, past its deadline, or read by staff: the summary
            return Redirect(f"/submissions/{submission_id}", status_code=303)
        if step == "documents":  # the outcome of the upload that redirected here
            context["errors"] = upload_outcomes.upload_errors(refused)
            context["uploaded"] = bool(uploaded) and not refused
        return _page(step, context)

    @post("/{step:str}")
    async def save(
        self, request: Request, submission_id: FromPath[UUID], step: FromPath[str], data: FormData
    ) -> Template | Redirect:
        """Save one step as a draft; on to the next step (or show what to fix)."""
        if step not in ("proposal", "questions"):
            raise Problem(404, "not_found", N_("Page not found"))
        context = await _context(request, submission_id, step)
        fields = fields_from_form(step, context["call"], data)
        try:
            await _save_step(request, submission_id, step, data, fields)
        except Problem as problem:
            current = problem.extra.get("current") or {}
            if problem.code == "version_conflict" and all(
                current.get(k) == v for k, v in fields.items()
            ):
                # the newer version holds exactly this form (its own autosave, e.g. fired by the last
                # radio click just before the button): nothing to compare, go on
                return Redirect(_next_step(submission_id, step), status_code=303)
            context["values"] = {**context["values"], **fields}
            if problem.code == "version_conflict":
                context["conflict"] = problem.extra["current"]
            else:
                context["errors"] = errors_of(problem)
            return _page(step, context, status=problem.status)
        return Redirect(_next_step(submission_id, step), status_code=303)

    @post("/{step:str}/autosave")
    async def autosave(
        self, request: Request, submission_id: FromPath[UUID], step: FromPath[str], data: FormData
    ) -> Template:
        """HTMX autosave: the same save as the form, answered with a status line and the new version."""
        if step not in ("proposal", "questions"):
            raise Problem(404, "not_found", N_("Page not found"))
        row = await services.team_view(request.scope["user"], submission_id)
        fields = fields_from_form(step, await services.call_for(row), data)
        state, version = "saved", row["version"]
        try:
            saved = await _save_step(request, submission_id, step, data, fields)
            version = saved["version"]
        except (Problem, ValueError) as problem:
            state = getattr(problem, "code", "validation_error")
        return Template(
            template_name="challenge/submissions/_autosave.html",
            context={"state": state, "version": version, "now": clock.now()},
        )

    @post("/attachments/upload", request_max_body_size=None)
    async def upload(self, request: Request, submission_id: FromPath[UUID]) -> Template | Redirect:
        try:
            upload = MultipartUpload(request)
            await upload.start()
            await attachments.attach(
                request.scope["user"],
                submission_id,
                request.app.state.storage,
                chunks=upload.chunks(),
                filename=upload.filename or "",
            )
        except Problem as problem:
            # a redirect, so the form's address (with its CSRF token) stays out of the page's URL
            form_path = f"/submissions/{submission_id}/documents"
            if redirect := upload_outcomes.refused(form_path, problem):
                return redirect
            context = await _context(request, submission_id, "documents")
            context["errors"] = errors_of(problem)
            return _page("documents", context, status=problem.status)
        return upload_outcomes.uploaded(f"/submissions/{submission_id}/documents")

    @post("/attachments/{document_id:uuid}/delete")
    async def remove_document(
        self, request: Request, submission_id: FromPath[UUID], document_id: FromPath[UUID]
    ) -> Redirect:
        await attachments.detach(
            request.scope["user"], submission_id, document_id, request.app.state.storage
        )
        return Redirect(f"/submissions/{submission_id}/documents", status_code=303)

    @post("/submit")
    async def submit(
        self, request: Request, submission_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        """Submit after an explicit confirmation (and consent to publication, if given)."""
        context = await _context(request, submission_id)
        if not form_value(data, "confirm"):
            context["errors"] = {
                "confirm": N_("Please confirm that the proposal is complete and correct.")
            }
            return _page("review", context, status=422)
        settings = request.app.state.settings
        consent = bool(form_value(data, "consent"))
        key = form_value(data, idempotency.FIELD) or None
        try:
            claim = idempotency.claim_for(
                request.scope["user"].id,
                None if key is None else f"submit:{key}",
                "POST /submissions/{id}/submit",
                str(submission_id),
                {"consent": consent},
            )
            if not await idempotency.lookup(claim):  # a retry of a submit that went through: done
                await submitting.submit(
                    request.scope["user"],
                    submission_id,
                    consent=consent,
                    base_url=settings.base_url,
                    claim=claim,
                )
        except Problem as problem:
            context["errors"] = errors_of(problem)
            return _page("review", context, status=problem.status)
        return Redirect(f"/submissions/{submission_id}?submitted=1", status_code=303)

    @get("/withdraw/confirm")
    async def confirm_withdraw(self, request: Request, submission_id: FromPath[UUID]) -> Template:
        """The confirmation, or the reason why the proposal can no longer be withdrawn."""
        context = await _context(request, submission_id)
        if context["withdraw_refusal"] is not None:
            raise context["withdraw_refusal"]
        return _page("withdraw", context)

    @post("/withdraw")
    async def withdraw(self, request: Request, submission_id: FromPath[UUID]) -> Redirect:
        await submitting.withdraw(request.scope["user"], submission_id)
        return Redirect(f"/submissions/{submission_id}", status_code=303)


@get("/me/submissions", guards=[login_required], include_in_schema=False, name="my_submissions")
async def dashboard(request: Request) -> Template:
    """Every proposal of the user's teams and where each one stands."""
    return Template(
        template_name="challenge/submissions/dashboard.html",
        context={"submissions": await services.mine(request.scope["user"]), "now": clock.now()},
    )
