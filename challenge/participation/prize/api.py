"""JSON API of the people's prize (/work/shared/API.md, "Participation").

- ``POST /api/v1/calls/{slug}/vote`` {opens_at, closes_at, candidates: [submission_id]} — staff
  open the voting or change it (before it opens: everything; while open: add candidates, move
  the close; after the close: 422 ``voting_closed``).
- ``GET /api/v1/calls/{slug}/vote`` — public: the window, its state and the shown candidates
  per challenge; a signed-in person also gets their own votes.
- ``PUT /api/v1/calls/{slug}/vote/{challenge}`` {submission_id} — a verified account votes or
  changes its vote. ``{challenge}`` is the challenge's short key within the call (as in
  /calls/{slug}/challenges/{key}), or ``-`` for a call without challenges. 422 ``voting_closed``
  outside the window, 422 ``disposable_email``, 422 ``validation_error`` for a proposal that is
  not a shown candidate of that challenge, 429 ``rate_limited``, 409 ``vote_voided``.
- ``GET /api/v1/calls/{slug}/vote/results`` — public after the close; before it 409
  ``voting_not_closed`` (for everyone); 404 when the call has no people's prize.
- ``GET /api/v1/calls/{slug}/vote/votes?ip=&email_domain=&page=`` — staff: the votes (id,
  challenge, IP address, mail domain, times, voided), 100 a page, the chosen proposal only
  after the close; never the person.
- ``POST /api/v1/calls/{slug}/vote/void`` {reason, ip | email_domain | vote_ids} — staff void
  votes in bulk (audited) → {voided: n}. An IPv6 address stands for its /64 (the votes record
  the network, client_ip.network_key).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from challenge.calls.services import get_call
from challenge.participation.prize import ballot, service, staffing
from challenge.platform.accounts.guards import login_required, staff_required
from challenge.platform.accounts.web import ip_of
from challenge.platform.pagination import Page


class VotingIn(msgspec.Struct, kw_only=True):
    opens_at: datetime
    closes_at: datetime
    candidates: list[UUID]


class VoteIn(msgspec.Struct, kw_only=True):
    submission_id: UUID


class VoidIn(msgspec.Struct, kw_only=True):
    reason: str
    ip: str = ""
    email_domain: str = ""
    vote_ids: list[UUID] = msgspec.field(default_factory=list)


class VoidOut(msgspec.Struct):
    voided: int


class VoteOut(msgspec.Struct):
    challenge: str
    submission_id: UUID
    updated_at: datetime


def _candidate_out(row: dict) -> dict:
    return {
        "submission_id": row["submission"],
        "title": row["public_title"],
        "summary": row["summary"],
    }


async def ballot_of(call: dict, user) -> dict:
    """The voting as the public sees it, with the person's own votes."""
    voting = await service.require_voting(call)
    mine = await ballot.votes_of(user, voting["id"])
    groups = ballot.ballot_groups(await service.candidates_of(voting["id"], consented_only=True))
    return {
        "opens_at": voting["opens_at"],
        "closes_at": voting["closes_at"],
        "state": service.state_of(voting),
        "challenges": [
            {
                "key": group["key"],
                "title": group["title"],
                "candidates": [_candidate_out(c) for c in group["candidates"]],
                "my_vote": (mine.get(group["challenge_key"]) or {}).get("submission"),
            }
            for group in groups
        ],
    }


class PrizeApi(Controller):
    path = "/api/v1/calls/{slug:str}/vote"
    tags = ["participation"]

    @post("/", guards=[staff_required], status_code=HTTP_200_OK, summary="Open the people's prize")
    async def open_voting(
        self, request: Request, slug: FromPath[str], data: JSONBody[VotingIn]
    ) -> dict:
        call = await get_call(slug, include_drafts=True)
        voting = await service.open_voting(
            request.scope["user"], call, data.opens_at, data.closes_at, data.candidates
        )
        candidates = await service.candidates_of(voting["id"], consented_only=False)
        return {
            "opens_at": voting["opens_at"],
            "closes_at": voting["closes_at"],
            "state": service.state_of(voting),
            "candidates": [
                {**_candidate_out(c), "consented": c["consented_at"] is not None}
                for c in candidates
            ],
        }

    @get("/", summary="The people's prize ballot")
    async def show(self, request: Request, slug: FromPath[str]) -> dict:
        call = await get_call(slug, include_drafts=False)
        return await ballot_of(call, request.scope.get("user"))

    @get("/results", summary="The people's prize results (after the close)")
    async def results(self, slug: FromPath[str]) -> dict:
        call = await get_call(slug, include_drafts=False)
        return await ballot.results(call)

    @get("/votes", guards=[staff_required], summary="The votes, for staff to void single ones")
    async def votes(
        self,
        request: Request,
        slug: FromPath[str],
        page: Page = 1,
        ip: FromQuery[str] = "",
        email_domain: FromQuery[str] = "",
    ) -> dict:
        call = await get_call(slug, include_drafts=True)
        return await staffing.votes_for_staff(
            request.scope["user"], call, page, ip=ip, email_domain=email_domain
        )

    @post("/void", guards=[staff_required], status_code=HTTP_200_OK, summary="Void votes")
    async def void(self, request: Request, slug: FromPath[str], data: JSONBody[VoidIn]) -> VoidOut:
        call = await get_call(slug, include_drafts=True)
        voided = await staffing.void(
            request.scope["user"],
            call,
            data.reason,
            ip=data.ip,
            email_domain=data.email_domain,
            vote_ids=data.vote_ids,
        )
        return VoidOut(voided=voided)

    @put("/{challenge:str}", guards=[login_required], summary="Vote in one challenge")
    async def vote(
        self,
        request: Request,
        slug: FromPath[str],
        challenge: FromPath[str],
        data: JSONBody[VoteIn],
    ) -> VoteOut:
        call = await get_call(slug, include_drafts=False)
        found = await ballot.cast(
            request.scope["user"], call, challenge, data.submission_id, ip_of(request)
        )
        return VoteOut(**found)
