"""Votes of the people's prize: casting and changing one, voiding them in bulk, the results.

One vote per account and challenge: the unique index prize_votes_once (voting, challenge_key,
user) and one ``INSERT … ON CONFLICT … DO UPDATE`` — of parallel votes of one person the one
written last stays (last write wins), and there is never a second row. A vote can be changed
until the window closes; a voided vote stays voided (409 ``vote_voided``). The results are
public after the close only (409 ``voting_not_closed`` before, for everyone, staff included:
nobody sees standings while people still vote); voided votes are left out and counted apart. Staff's work on the votes: prize/staffing.py."""

from __future__ import annotations

import uuid
from uuid import UUID

from piccolo.query.functions.aggregate import Count

from challenge import db
from challenge.participation.policies import may_take_part
from challenge.participation.prize import integrity
from challenge.participation.prize.service import (
    candidates_of,
    challenge_for_url,
    closed,
    group_key,
    invalid,
    require_voting,
    state_of,
    url_key,
)
from challenge.participation.tables import PrizeCandidate, PrizeVote, PrizeVoting
from challenge.platform import clock
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.platform.security.client_ip import network_key

# The window is checked in the statement itself (against the voting row as it is when the
# vote is written, at the moment it is written), so no vote lands after the close even when the
# checks before it ran just before. SQLite needs the WHERE to parse INSERT … SELECT … ON CONFLICT.
_UPSERT = (
    'INSERT INTO prize_votes (id, voting, challenge_key, "user", candidate, ip, email_domain,'
    " created_at, updated_at, voided_at, voided_by, void_reason)"
    " SELECT {}, {}, {}, {}, {}, {}, {}, {}, {}, NULL, NULL, ''"
    " FROM prize_votings WHERE prize_votings.id = {}"
    " AND prize_votings.opens_at <= {} AND prize_votings.closes_at > {}"
    ' ON CONFLICT (voting, challenge_key, "user") DO UPDATE SET candidate = excluded.candidate,'
    " ip = excluded.ip, email_domain = excluded.email_domain, updated_at = excluded.updated_at"
    " WHERE prize_votes.voided_at IS NULL RETURNING id"
)


async def _ballot_candidate(voting_id: UUID, challenge_key: str, submission_id: UUID) -> dict:
    row = (
        await PrizeCandidate.select(PrizeCandidate.id, PrizeCandidate.challenge)
        .where(
            (PrizeCandidate.voting == voting_id)
            & (PrizeCandidate.submission == submission_id)
            & PrizeCandidate.consented_at.is_not_null()
        )
        .first()
    )
    if row is None or group_key(row) != challenge_key:
        raise invalid("submission_id", N_("Choose one of the candidates of this challenge."))
    return row


async def _voted_before(voting_id: UUID, challenge_key: str, user_id: UUID) -> bool:
    return await PrizeVote.exists().where(
        (PrizeVote.voting == voting_id)
        & (PrizeVote.challenge_key == challenge_key)
        & (PrizeVote.user == user_id)
    )


async def write_vote(
    voting_id: UUID, challenge_key: str, user_id: UUID, candidate_id: UUID, ip: str, domain: str
) -> dict:
    """Write the vote (insert, or change the person's vote) if the window is open at this
    moment (clock.now()); 422 ``voting_closed`` otherwise, 409 ``vote_voided`` for a voided
    vote. Answers {"updated_at"}. The IP address is kept as its network (IPv6: the /64)."""
    now = clock.now()
    async with db.write_transaction():
        rows = await PrizeVote.raw(
            _UPSERT,
            uuid.uuid4(),
            voting_id,
            challenge_key,
            user_id,
            candidate_id,
            network_key(ip)[:64],
            domain[:255],
            now,
            now,
            voting_id,
            now,
            now,
        )
    if rows:
        return {"updated_at": now}
    voting = await PrizeVoting.select().where(PrizeVoting.id == voting_id).first()
    if voting is None or state_of(voting, now) != "open":
        raise closed()
    raise Problem(
        409,
        "vote_voided",
        N_("Your vote in this challenge was voided by the city's team and cannot be changed."),
    )


async def cast(actor, call: dict, challenge: str, submission_id: UUID, ip: str) -> dict:
    """Cast or change the person's vote in one challenge of the call's voting (limits:
    integrity.count_vote; the person's first vote in a challenge counts for the mail domain)."""
    if not may_take_part(actor):
        raise Problem(401, "not_authenticated", N_("Please log in."))
    voting = await require_voting(call)
    if state_of(voting) != "open":
        raise closed()
    domain = integrity.email_domain(actor.email)
    integrity.refuse_disposable(domain)
    challenge_key = await challenge_for_url(call, challenge)
    candidate = await _ballot_candidate(voting["id"], challenge_key, submission_id)
    first = not await _voted_before(voting["id"], challenge_key, actor.id)
    await integrity.count_vote(actor.id, ip, domain, first=first)
    written = await write_vote(voting["id"], challenge_key, actor.id, candidate["id"], ip, domain)
    return {"challenge": challenge, "submission_id": submission_id, **written}


async def votes_of(user, voting_id: UUID) -> dict[str, dict]:
    """The person's votes in the voting: {challenge_key: {submission, voided}}."""
    if user is None:
        return {}
    rows = await PrizeVote.select(
        PrizeVote.challenge_key,
        PrizeVote.voided_at,
        PrizeVote.candidate.submission.as_alias("submission"),
    ).where((PrizeVote.voting == voting_id) & (PrizeVote.user == user.id))
    return {
        row["challenge_key"]: {
            "submission": row["submission"],
            "voided": row["voided_at"] is not None,
        }
        for row in rows
    }


async def _counts(voting_id: UUID) -> tuple[dict, dict]:
    """{candidate id: valid votes}, {challenge_key: voided votes}."""
    valid = await (
        PrizeVote.select(PrizeVote.candidate, Count(PrizeVote.id, alias="n"))
        .where((PrizeVote.voting == voting_id) & PrizeVote.voided_at.is_null())
        .group_by(PrizeVote.candidate)
    )
    voided = await (
        PrizeVote.select(PrizeVote.challenge_key, Count(PrizeVote.id, alias="n"))
        .where((PrizeVote.voting == voting_id) & PrizeVote.voided_at.is_not_null())
        .group_by(PrizeVote.challenge_key)
    )
    return (
        {row["candidate"]: row["n"] for row in valid},
        {row["challenge_key"]: row["n"] for row in voided},
    )


def _group(candidate: dict) -> dict:
    return {
        "key": url_key(candidate),
        "challenge_key": group_key(candidate),
        "title": candidate["challenge_title"] or "",
        "candidates": [],
    }


def ballot_groups(candidates: list[dict]) -> list[dict]:
    """The candidates grouped per challenge, in the challenges' order."""
    groups: dict[str, dict] = {}
    for candidate in candidates:
        group = groups.setdefault(group_key(candidate), _group(candidate))
        group["candidates"].append(candidate)
    return list(groups.values())


async def results(call: dict) -> dict:
    """Per challenge: the shown candidates with their valid votes, the winner(s), the voided
    votes and the total; 409 ``voting_not_closed`` before the close. No person appears."""
    voting = await require_voting(call)
    if state_of(voting) != "closed":
        raise Problem(
            409,
            "voting_not_closed",
            N_("The results are shown once the voting has closed."),
            extra={"closes_at": voting["closes_at"].isoformat()},
        )
    valid, voided = await _counts(voting["id"])
    groups = ballot_groups(await candidates_of(voting["id"], consented_only=True))
    for group in groups:
        rows = [
            {
                "submission_id": c["submission"],
                "title": c["public_title"],
                "summary": c["summary"],
                "votes": valid.get(c["id"], 0),
            }
            for c in group.pop("candidates")
        ]
        rows.sort(key=lambda r: (-r["votes"], r["title"].lower()))
        top = rows[0]["votes"] if rows else 0
        for row in rows:
            row["winner"] = top > 0 and row["votes"] == top
        group.update(
            candidates=rows,
            winners=[r["title"] for r in rows if r["winner"]],
            total=sum(r["votes"] for r in rows),
            voided=voided.get(group.pop("challenge_key"), 0),
        )
    return {
        "opens_at": voting["opens_at"],
        "closes_at": voting["closes_at"],
        "total": sum(g["total"] for g in groups),
        "voided": sum(voided.values()),
        "challenges": groups,
    }
