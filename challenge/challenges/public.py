"""The public page of one challenge of a published call: ``/calls/{slug}/challenges/{key}``
(the problem, what the city offers, budget and places, the FAQ, and the way to apply)."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from challenge.calls.policies import may_see_draft_calls
from challenge.calls.services import get_call, phase_of
from challenge.challenges import placement
from challenge.challenges.policies import is_public
from challenge.platform import clock
from challenge.platform.i18n import N_
from challenge.platform.markdown import render_markdown
from challenge.platform.page_cache import PUBLIC_PAGE_SECONDS
from challenge.platform.problems import not_found


class ChallengePages(Controller):
    path = "/calls"
    include_in_schema = False

    @get("/{slug:str}/challenges/{key:str}", name="call_challenge", cache=PUBLIC_PAGE_SECONDS)
    async def challenge(
        self, request: Request, slug: FromPath[str], key: FromPath[str]
    ) -> Template:
        """Public once the call is published; staff preview a draft call's challenges."""
        preview = may_see_draft_calls(request.scope.get("user"))
        call = await get_call(slug, include_drafts=preview)
        row = await placement.by_key(call["id"], key)  # approved and attached, else 404
        if not (is_public(row, call) or preview):
            raise not_found(N_("Challenge not found"))
        offer = row["offer"] or {}
        return Template(
            template_name="challenge/challenges/public_detail.html",
            context={
                "call": call,
                "phase": phase_of(call, clock.now()),
                "challenge": row,
                "datasets": [
                    d
                    for d in offer.get("datasets") or []
                    if str(d.get("url", "")).startswith(("https://", "http://"))
                ],
                "infrastructure": offer.get("infrastructure") or "",
                "staff_access": offer.get("staff_access") or "",
                **{
                    f"{name}_html": render_markdown(row[name])
                    for name in ("problem", "affected", "outcome", "constraints")
                },
                "faq": [
                    item
                    for item in row["faq"] or []
                    if isinstance(item, dict) and item.get("question")
                ],
            },
        )
