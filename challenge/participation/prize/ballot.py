"""Votes of the people's prize: casting and changing one, voiding them in bulk, the results.

One vote per account and challenge: the unique index prize_votes_once (voting, challenge_key,
user) and one ``INSERT … ON CONFLICT … DO UPDATE`` — of parallel votes of one person the one
written last stays (last write wins), and there is never a second row. A vote can be changed
until the window closes; a voided vote stays voided (409 ``vote_voided``). The results are
public after the close only (409 ``voting_not_closed`` before, for everyone, staff included:
nobody sees standings while people still vote); voided votes are left out and counted apart."""

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
from challenge.participation.tables import PrizeCandidate, PrizeVote
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.pagination import page_within
from challenge.platform.problems import FieldError, Problem

REASON_MAX = 500
TOP = 20  # addresses and domains listed for staff
PAGE_SIZE = 100  # votes per page of the staff's list

_UPSERT = (
    'INSERT INTO prize_votes (id, voting, challenge_key, "user", candidate, ip, email_domain,'
    " created_at, updated_at, voided_at, voided_by, void_reason)"
    " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, NULL, NULL, '')"
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


async def cast(actor, call: dict, challenge: str, submission_id: UUID, ip: str) -> dict:
    """Cast or change the person's vote in one challenge of the call's voting."""
    if not may_take_part(actor):
        raise Problem(401, "not_authenticated", N_("Please log in."))
    voting = await require_voting(call)
    if state_of(voting) != "open":
        raise closed()
    domain = integrity.email_domain(actor.email)
    integrity.refuse_disposable(domain)
    challenge_key = await challenge_for_url(call, challenge)
    candidate = await _ballot_candidate(voting["id"], challenge_key, submission_id)
    await integrity.count_vote(ip, domain)
    now = clock.now()
    async with db.write_transaction():
        rows = await PrizeVote.raw(
            _UPSERT,
            uuid.uuid4(),
            voting["id"],
            challenge_key,
            actor.id,
            candidate["id"],
            ip[:64],
            domain[:255],
            now,
            now,
        )
    if not rows:
        raise Problem(
            409,
            "vote_voided",
            N_("Your vote in this challenge was voided by the city's team and cannot be changed."),
        )
    return {"challenge": challenge, "submission_id": submission_id, "updated_at": now}


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


async def votes_for_staff(call: dict, page: int, *, ip: str = "", email_domain: str = "") -> dict:
    """A page of the voting's votes for staff to void single ones: id, challenge, IP address,
    mail domain, times and whether voided — never the person, and the candidate only after the
    close (no standings while people vote)."""
    voting = await require_voting(call)
    where = PrizeVote.voting == voting["id"]
    if ip:
        where &= PrizeVote.ip == ip.strip()
    if email_domain:
        where &= PrizeVote.email_domain == email_domain.strip().lower()
    total = await PrizeVote.count().where(where)
    page, pages = page_within(page, total, PAGE_SIZE)
    rows = await (
        PrizeVote.select(
            PrizeVote.id,
            PrizeVote.challenge_key,
            PrizeVote.ip,
            PrizeVote.email_domain,
            PrizeVote.created_at,
            PrizeVote.updated_at,
            PrizeVote.voided_at,
            PrizeVote.void_reason,
            PrizeVote.candidate.submission.as_alias("submission_id"),
        )
        .where(where)
        .order_by(PrizeVote.created_at)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    shown = state_of(voting) == "closed"
    for row in rows:
        if not shown:
            row["submission_id"] = None
    return {"items": rows, "page": page, "pages": pages, "total": total}


def _void_filter(voting_id: UUID, ip: str, email_domain: str, vote_ids: list[UUID]):
    chosen = [bool(ip), bool(email_domain), bool(vote_ids)]
    if chosen.count(True) != 1:
        raise Problem(
            422,
            "validation_error",
            N_("Please check the marked fields."),
            errors=[FieldError("ip", N_("Name one IP address, one mail domain or some votes."))],
        )
    where = (PrizeVote.voting == voting_id) & PrizeVote.voided_at.is_null()
    if ip:
        return where & (PrizeVote.ip == ip.strip())
    if email_domain:
        return where & (PrizeVote.email_domain == email_domain.strip().lower())
    return where & PrizeVote.id.is_in(list(vote_ids))


async def void(
    actor,
    call: dict,
    reason: str,
    *,
    ip: str = "",
    email_domain: str = "",
    vote_ids: list[UUID] = (),
) -> int:
    """Void the votes from one IP address, of one mail domain, or these votes, with a reason
    (shown to staff, counted publicly); audited. Answers how many were voided."""
    reason = " ".join((reason or "").split())
    if not 3 <= len(reason) <= REASON_MAX:
        raise invalid("reason", N_("Give a reason of 3 to 500 characters."))
    voting = await require_voting(call)
    where = _void_filter(voting["id"], ip, email_domain, list(vote_ids or ()))
    async with db.write_transaction():
        rows = (
            await PrizeVote.update(
                {
                    PrizeVote.voided_at: clock.now(),
                    PrizeVote.voided_by: actor.id,
                    PrizeVote.void_reason: reason,
                }
            )
            .where(where)
            .returning(PrizeVote.id)
        )
        await record(
            "prize.votes_voided",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={
                "reason": reason,
                "ip": ip,
                "email_domain": email_domain,
                "votes": len(vote_ids or ()),
                "voided": len(rows),
            },
        )
    return len(rows)


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


async def staff_figures(voting_id: UUID) -> dict:
    """For staff while and after voting: valid and voided votes, and the IP addresses and mail
    domains with the most valid votes (to find clusters) — no standings."""
    total = await PrizeVote.count().where(
        (PrizeVote.voting == voting_id) & PrizeVote.voided_at.is_null()
    )
    voided = await PrizeVote.count().where(
        (PrizeVote.voting == voting_id) & PrizeVote.voided_at.is_not_null()
    )
    found = {"total": total, "voided": voided}
    for name, column in (("ips", PrizeVote.ip), ("domains", PrizeVote.email_domain)):
        rows = await (
            PrizeVote.select(column, Count(PrizeVote.id, alias="n"))
            .where((PrizeVote.voting == voting_id) & PrizeVote.voided_at.is_null())
            .group_by(column)
        )
        rows.sort(key=lambda r: -r["n"])
        found[name] = [(row[column._meta.name], row["n"]) for row in rows[:TOP]]
    reasons = await (
        PrizeVote.select(PrizeVote.void_reason, Count(PrizeVote.id, alias="n"))
        .where((PrizeVote.voting == voting_id) & PrizeVote.voided_at.is_not_null())
        .group_by(PrizeVote.void_reason)
    )
    found["reasons"] = [(row["void_reason"], row["n"]) for row in reasons]
    return found
