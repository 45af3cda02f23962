"""Staff pages for proposals: the call's list (filters, search, sort, pages), one proposal with
its versions and what changed, and the exports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Stream, Template

from challenge.calls.entries import challenges_of
from challenge.calls.services import get_call
from challenge.organisations.services import KINDS
from challenge.platform.accounts.guards import staff_required
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.pagination import page_within
from challenge.platform.problems import Problem
from challenge.submissions import (
    diffs,
    exports,
    extensions,
    notices,
    services,
    snapshots,
    staff,
)

PER_PAGE = 50
Text = Annotated[str, QueryParameter(max_length=200)]


async def _detail(
    request: Request, submission_id: UUID, errors: dict | None = None, status: int = 200
) -> Template:
    """One proposal for staff: its fields, files, extension form and every version's changes."""
    row = await services.visible(request.scope["user"], submission_id)
    versions = await services.versions(submission_id)
    frozen = [snapshots.snapshot_of(v) for v in versions]
    history = [
        {"version": versions[i], "changes": diffs.changes(frozen[i - 1], frozen[i]) if i else []}
        for i in range(len(versions))
    ]
    call = await services.call_for(row)
    return Template(
        template_name="challenge/staff/submission.html",
        status_code=status,
        context={
            "submission": row,
            "call": call,
            "field_labels": _field_labels(call),
            "documents": await services.documents_of(submission_id),
            "notices": await notices.notices_for(request.scope["user"], row),
            "history": history,
            "errors": errors or {},
        },
    )


FIELD_LABELS = {
    "title": N_("Title"),
    "summary": N_("Summary"),
    "category": N_("Category"),
    "documents": N_("Files"),
}


def _field_labels(call: dict) -> dict[str, str]:
    """The words for the fields a version's changes name (answers by their question's label)."""
    labels = dict(FIELD_LABELS)
    for question in call.get("questions") or []:
        labels[f"answers.{question['key']}"] = question["label"]
    return labels


class StaffSubmissionPages(Controller):
    path = "/staff"
    include_in_schema = False
    guards = [staff_required]

    @get("/calls/{slug:str}/submissions", name="staff_submissions")
    async def submissions(
        self,
        slug: FromPath[str],
        q: Text = "",
        status: Text = "",
        category: Text = "",
        kind: Text = "",
        challenge: Text = "",
        sort: Text = "reference",
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        """The call's proposals, 50 a page; a page past the end shows the last one."""
        call = await get_call(slug, include_drafts=True)
        filters = {
            "q": q,
            "status": status,
            "category": category,
            "kind": kind,
            "challenge": challenge,
            "sort": sort,
        }
        rows, total = await staff.list_submissions(call, **filters, page=page, per_page=PER_PAGE)
        within, pages = page_within(page, total, PER_PAGE)
        if page > within:  # past the end: the last page
            page = within
            rows, total = await staff.list_submissions(
                call, **filters, page=page, per_page=PER_PAGE
            )
        return Template(
            template_name="challenge/staff/submissions.html",
            context={
                "call": call,
                "rows": rows,
                "total": total,
                "page": page,
                "pages": pages,
                "filters": filters,
                "kinds": KINDS,
                "statuses": ("submitted", "withdrawn"),
                "challenges": await challenges_of(call["id"]),
                "sorts": list(staff.SORTS),
            },
        )

    @get("/submissions/{submission_id:uuid}", name="staff_submission")
    async def submission(self, request: Request, submission_id: FromPath[UUID]) -> Template:
        return await _detail(request, submission_id)

    @post("/submissions/{submission_id:uuid}/extension")
    async def extend(
        self, request: Request, submission_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        """Give this proposal's team more time, with a reason (audited)."""
        row = await services.visible(request.scope["user"], submission_id)
        call = await services.call_for(row)
        try:
            raw = form_value(data, "closes_at")
            closes_at = datetime.fromisoformat(raw).replace(tzinfo=BERLIN) if raw else None
            if closes_at is None:
                raise ValueError
            await extensions.grant_extension(
                request.scope["user"],
                call,
                row["organisation"],
                closes_at,
                form_value(data, "reason"),
            )
        except ValueError:
            return await _detail(
                request, submission_id, {"closes_at": N_("Enter a date and time.")}, 422
            )
        except Problem as problem:
            return await _detail(request, submission_id, errors_of(problem), problem.status)
        return Redirect(f"/staff/submissions/{submission_id}", status_code=303)


class StaffExports(Controller):
    path = "/api/v1/calls/{slug:str}"
    tags = ["submissions"]
    guards = [staff_required]

    @get("/submissions.csv", summary="Proposals as CSV")
    async def csv_export(self, slug: FromPath[str]) -> Response:
        call = await get_call(slug, include_drafts=True)
        return Response(
            await exports.as_csv(call),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{slug}-einreichungen.csv"'},
        )

    @get("/submissions.xlsx", summary="Proposals as XLSX")
    async def xlsx_export(self, slug: FromPath[str]) -> Response:
        call = await get_call(slug, include_drafts=True)
        return Response(
            await exports.as_xlsx(call),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{slug}-einreichungen.xlsx"'},
        )

    @get("/attachments.zip", summary="All attachments as one streamed ZIP")
    async def zip_export(self, request: Request, slug: FromPath[str]) -> Stream:
        call = await get_call(slug, include_drafts=True)
        return Stream(
            exports.attachments_zip(call, request.app.state.storage),
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="{slug}-anlagen.zip"',
                "X-Content-Type-Options": "nosniff",
            },
        )
