"""The juror's pitch scoring screen (/jury/calls/{slug}/pitch): one team at a time in slot
order with previous/next, the criteria as large buttons, a comment, and a save button that works
without JavaScript; with it, static/js/pitch.js saves on every change, keeps unsent scores in
the browser while offline and sends them when the connection is back."""

from __future__ import annotations

import re
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Response, Template

from challenge.platform import clock
from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import current_user
from challenge.platform.forms import FormData, errors_of, form_value
from challenge.platform.i18n import format_datetime, request_locale
from challenge.platform.problems import Problem
from partnerships.development.pitch import scoring

Position = Annotated[int, QueryParameter(ge=1, le=10_000)]
Notice = Annotated[str | None, QueryParameter(max_length=10)]


def scores_from_form(criteria: list[dict], data: dict) -> dict:
    """The ticked score per criterion; unreadable values stay text for the rules to refuse."""
    scores: dict = {}
    for criterion in criteria:
        raw = form_value(data, f"score_{criterion['key']}").strip()
        if raw:
            scores[criterion["key"]] = int(raw) if re.fullmatch(r"-?[0-9]{1,6}", raw) else raw
    return scores


class PitchScoringPages(Controller):
    path = "/jury/calls/{slug:str}/pitch"
    include_in_schema = False
    guards = [login_required]

    async def _page(
        self,
        request: Request,
        slug: str,
        position: int,
        *,
        notice: str | None = None,
        errors: dict | None = None,
        values: dict | None = None,
        status: int = 200,
    ) -> Template:
        shown = await scoring.screen(current_user(request), slug, position)
        return Template(
            template_name="development/pitch_scoring.html",
            status_code=status,
            context={
                **shown,
                "notice": notice,
                "errors": errors or {},
                "values": values,
            },
        )

    @get("/", name="pitch_scoring")
    async def screen(
        self, request: Request, slug: FromPath[str], entry: Position = 1, notice: Notice = None
    ) -> Template:
        """One team's slot with the juror's scores."""
        return await self._page(
            request, slug, entry, notice=notice if notice in ("saved", "final") else None
        )

    async def _save(self, request: Request, slug: str, submission_id: UUID, data: dict, final):
        _call, round_, _slots = await scoring.juror_slots(current_user(request), slug)
        scores = scores_from_form((round_ or {}).get("criteria") or [], data)
        comment = form_value(data, "comment")
        review = await scoring.save(
            current_user(request),
            slug,
            submission_id,
            scores=scores,
            comment=comment,
            final=final,
        )
        return review, scores, comment

    @post("/{submission_id:uuid}")
    async def save(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[UUID], data: FormData
    ) -> Template | Redirect:
        """The save button (draft or final), without JavaScript too."""
        _call, _round, slots = await scoring.juror_slots(current_user(request), slug)
        position = scoring.position_of(slots, submission_id)
        final = form_value(data, "action") == "final"
        try:
            await self._save(request, slug, submission_id, data, final)
        except Problem as problem:
            if problem.status == 404:
                raise
            return await self._page(
                request,
                slug,
                position,
                errors=errors_of(problem),
                values={
                    "scores": scores_from_form(_round.get("criteria") or [], data),
                    "comment": form_value(data, "comment"),
                },
                status=problem.status,
            )
        notice = "final" if final else "saved"
        return Redirect(
            f"/jury/calls/{slug}/pitch?entry={position}&notice={notice}", status_code=303
        )

    @post("/{submission_id:uuid}/autosave", status_code=200)
    async def autosave(
        self, request: Request, slug: FromPath[str], submission_id: FromPath[UUID], data: FormData
    ) -> Response:
        """The script's save of a draft: JSON with the state (saved, or the refusal's code)."""
        try:
            review, _scores, _comment = await self._save(request, slug, submission_id, data, False)
        except Problem as problem:
            if problem.status == 404:
                raise
            return Response(
                {"state": problem.code, "detail": problem.detail}, status_code=problem.status
            )
        return Response(
            {
                "state": "saved",
                "status": review["status"],
                "version": review["version"],
                "saved_at": clock.now().isoformat(),
                "time": format_datetime(clock.now(), request_locale(request), "HH:mm"),
            }
        )
