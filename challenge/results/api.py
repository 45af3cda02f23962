"""JSON API of decisions and results: staff decide, publish, export and issue documents;
the public reads published results."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from challenge.calls.services import get_call
from challenge.platform.accounts.guards import staff_required
from challenge.platform.accounts.web import current_user
from challenge.platform.documents.downloads import download
from challenge.platform.i18n import N_, request_locale
from challenge.platform.jobs import service as jobs
from challenge.platform.problems import Problem, not_found
from challenge.results import certificates, decisions, exports, letters, publication, selection
from challenge.results.downloads import TemporaryFileDownload
from challenge.results.services import ranking_for

Round = Annotated[int, QueryParameter(ge=1, le=10)]
Lang = Annotated[str | None, QueryParameter(pattern="^(de|en)$")]


class DecisionIn(msgspec.Struct, kw_only=True):
    submission_id: UUID
    outcome: str
    award_cents: int = 0
    rationale: str = ""


class DecisionOut(msgspec.Struct):
    submission_id: UUID
    outcome: str
    award_cents: int
    rationale: str
    updated_at: datetime


class JobOut(msgspec.Struct):
    id: UUID
    kind: str
    status: str
    total: int
    done: int
    error: str
    created_at: datetime
    finished_at: datetime | None


def job_out(row: dict) -> JobOut:
    """A background job as the API returns it."""
    return JobOut(
        id=row["id"],
        kind=row["kind"],
        status=row["status"],
        total=row["total"],
        done=row["done"],
        error=row["error"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
    )


def decision_out(row: dict) -> DecisionOut:
    """A decision as the API returns it."""
    return DecisionOut(
        submission_id=row["submission"],
        outcome=row["outcome"],
        award_cents=row["award_cents"],
        rationale=row["rationale"],
        updated_at=row["updated_at"],
    )


def ranking_out(result, titles: dict) -> dict:
    """A ranking (``results.ranking.Ranking``) with the entries' references and titles, as JSON."""
    return {
        "method": result.method,
        "entries": [
            {
                "submission_id": e.entry,
                "reference": titles.get(e.entry, {}).get("reference"),
                "title": titles.get(e.entry, {}).get("title"),
                "rank": e.rank,
                "score": e.score,
                "score_low": e.score_low,
                "score_high": e.score_high,
                "rank_low": e.rank_low,
                "rank_high": e.rank_high,
                "reviews": e.reviews,
                "spread": e.spread,
                "sd": e.sd,
                "cutoff_unstable": e.cutoff_unstable,
            }
            for e in result.entries
        ],
        "reliability": {"alpha": result.alpha, "per_criterion": result.per_criterion},
        "jurors": [
            {"id": juror, "leniency": value, "raw_scores_only": juror in result.raw_only_jurors}
            for juror, value in result.leniency.items()
        ],
    }


class StaffResultsApi(Controller):
    path = "/api/v1/calls/{slug:str}"
    tags = ["results"]
    guards = [staff_required]

    @post("/decisions", status_code=HTTP_200_OK)
    async def decide(
        self, request: Request, slug: FromPath[str], data: JSONBody[DecisionIn]
    ) -> dict:
        """Record or change an entry's outcome; 422 ``budget_exceeded`` when awards would pass the
        budget, ``places_exceeded`` when a challenge's development places are taken."""
        call = await get_call(slug, include_drafts=True)
        try:
            row = await decisions.set_decision(
                request.scope["user"],
                call,
                submission_id=data.submission_id,
                outcome=data.outcome,
                award_cents=data.award_cents,
                rationale=data.rationale,
            )
        except Problem as problem:
            raise selection.localised(problem, request_locale(request)) from None
        return {"decision": decision_out(row), "budget": await decisions.budget_of(call)}

    @get("/decisions")
    async def list_decisions(self, slug: FromPath[str]) -> dict:
        call = await get_call(slug, include_drafts=True)
        rows = await decisions.decisions_of(call["id"])
        return {
            "decisions": [decision_out(r) for r in rows],
            "budget": await decisions.budget_of(call),
        }

    @post("/challenges/{key:str}/release-ranking", status_code=HTTP_200_OK)
    async def release_ranking(
        self, request: Request, slug: FromPath[str], key: FromPath[str]
    ) -> dict:
        """Let the challenge's owning unit read its ranking (audited)."""
        call = await get_call(slug, include_drafts=True)
        return await selection.release_ranking(request.scope["user"], call, key)

    @post("/results/publish", status_code=HTTP_200_OK)
    async def publish(self, request: Request, slug: FromPath[str]) -> dict:
        """Mail every applicant the outcome in their language and show the winners publicly."""
        call = await get_call(slug, include_drafts=True)
        return await publication.publish_results(
            request.scope["user"], call, base_url=request.app.state.settings.base_url
        )

    @get("/scores.csv", media_type="text/csv")
    async def scores_csv(self, slug: FromPath[str], round: Round = 1) -> Stream:
        """One row per review (no ranking is computed), streamed."""
        call = await get_call(slug, include_drafts=True)
        export = await exports.review_export(call, round)
        return Stream(
            exports.scores_csv(export),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="scores-{slug}-round-{round}.csv"'
            },
        )

    @get("/scores.xlsx")
    async def scores_xlsx(self, slug: FromPath[str], round: Round = 1) -> Stream:
        """Ranking (the cached rankings), reviews, jurors and criteria, written row by row to a
        temporary file and streamed from it (closed however the response ends)."""
        call = await get_call(slug, include_drafts=True)
        return TemporaryFileDownload(
            await exports.scores_xlsx_file(call, round),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={
                "Content-Disposition": f'attachment; filename="scores-{slug}-round-{round}.xlsx"'
            },
        )

    @get("/jury-report.pdf")
    async def jury_report(
        self, request: Request, slug: FromPath[str], round: Round = 1, lang: Lang = None
    ) -> Response:
        call = await get_call(slug, include_drafts=True)
        document = await exports.jury_report(
            request.app.state.storage,
            call,
            number=round,
            locale=lang or request_locale(request),
            base_url=request.app.state.settings.base_url,
            actor=request.scope["user"],
        )
        return await download(request.app.state.storage, request.app.state.settings, document)

    @post("/certificates", status_code=HTTP_202_ACCEPTED)
    async def start_certificates(self, request: Request, slug: FromPath[str]) -> JobOut:
        """Issue every awarded entry's certificate (German and English) in the background."""
        call = await get_call(slug, include_drafts=True)
        job = await jobs.submit(
            "certificates",
            f"call:{call['id']}",
            actor=request.scope["user"],
            payload={"call": str(call["id"])},
        )
        return job_out(job)

    @get("/certificates")
    async def certificates(self, slug: FromPath[str]) -> dict:
        call = await get_call(slug, include_drafts=True)
        job = await jobs.latest("certificates", f"call:{call['id']}")
        issued = await certificates.certificates_of(call["id"])
        return {
            "job": job_out(job) if job else None,
            "certificates": [
                {
                    "submission_id": entry,
                    "documents": [{"id": d["id"], "filename": d["filename"]} for d in docs],
                }
                for entry, docs in issued.items()
            ],
        }


@get("/api/v1/calls/{slug:str}/ranking", tags=["results"], summary="Ranking of a round")
async def ranking(
    request: Request,
    slug: FromPath[str],
    round: Round = 1,
    method: Annotated[str, QueryParameter(max_length=20)] = "mean",
    challenge: Annotated[str | None, QueryParameter(max_length=40)] = None,
) -> dict:
    """Scores with 90 % bootstrap intervals for score and rank, disagreement, alpha, leniency;
    with ``challenge`` over that challenge's entries (cut-off at its places). Staff; a
    challenge's ranking also for its owning unit once released."""
    call, chosen = await selection.readable_ranking(current_user(request), slug, challenge)
    result, titles = await ranking_for(call, number=round, method=method, challenge=chosen)
    body = ranking_out(result, titles)
    if chosen is not None:
        body["challenge"] = {
            "key": chosen["key"],
            "title": chosen["title"],
            "places": chosen["places"],
        }
    return body


@get(
    "/api/v1/jobs/{job_id:uuid}",
    tags=["results"],
    guards=[staff_required],
    summary="A background job's progress",
)
async def job_status(job_id: FromPath[UUID]) -> JobOut:
    """A background job's progress."""
    job = await jobs.get(job_id)
    if job is None:
        raise not_found(N_("Job not found"))
    return job_out(job)


@get("/api/v1/calls/{slug:str}/results", tags=["results"], summary="Published results of a call")
async def public_results(slug: FromPath[str]) -> dict:
    """Winners and runners-up with their awards, once published; no personal data."""
    call = await get_call(slug, include_drafts=False)
    return await publication.public_results(call)


@get(
    "/api/v1/submissions/{submission_id:uuid}/award-letter.pdf",
    tags=["results"],
    summary="Award letter",
)
async def award_letter(
    request: Request, submission_id: FromPath[UUID], lang: Lang = None
) -> Response:
    """The award letter of an awarded entry, for its team and staff."""
    document = await letters.award_letter_for(
        current_user(request),
        submission_id,
        request.app.state.storage,
        locale=lang or request_locale(request),
        base_url=request.app.state.settings.base_url,
    )
    return await download(request.app.state.storage, request.app.state.settings, document)
