"""What staff do with the votes of the people's prize: list them (to void single ones), void
them by IP address (network), mail domain or one by one, and the figures that point at clusters.

Every function checks the permission itself (service.require_moderator), whatever route calls
it. An IP address is looked up as the votes record it: an IPv6 address by its /64 network
(client_ip.network_key), so a staff member may paste any address of the network."""

from __future__ import annotations

from uuid import UUID

from piccolo.query import OrderByRaw
from piccolo.query.functions.aggregate import Count

from challenge import db
from challenge.participation.prize.service import (
    invalid,
    require_moderator,
    require_voting,
    state_of,
)
from challenge.participation.tables import PrizeVote
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.pagination import page_within
from challenge.platform.problems import FieldError, Problem
from challenge.platform.security.client_ip import network_key

REASON_MAX = 500
TOP = 20  # addresses and domains listed for staff
PAGE_SIZE = 100  # votes per page of the staff's list (API)


def _by_address(ip: str):
    return PrizeVote.ip == network_key(ip.strip())


async def votes_for_staff(
    actor, call: dict, page: int, *, ip: str = "", email_domain: str = "", size: int = PAGE_SIZE
) -> dict:
    """A page of the voting's votes for staff to void single ones: id, challenge, IP address
    (network), mail domain, times and whether voided — never the person, and the candidate only
    after the close (no standings while people vote). 401/403 for anyone but staff."""
    require_moderator(actor)
    voting = await require_voting(call)
    where = PrizeVote.voting == voting["id"]
    if ip:
        where &= _by_address(ip)
    if email_domain:
        where &= PrizeVote.email_domain == email_domain.strip().lower()
    total = await PrizeVote.count().where(where)
    page, pages = page_within(page, total, size)
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
        .order_by(PrizeVote.id)
        .offset((page - 1) * size)
        .limit(size)
    )
    if state_of(voting) != "closed":
        for row in rows:
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
        return where & _by_address(ip)
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
    """Void the votes from one IP address (its /64 for IPv6), of one mail domain, or these
    votes, with a reason (shown to staff, counted publicly); audited. Answers how many were
    voided. 401/403 for anyone but staff."""
    require_moderator(actor)
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
                "ip": network_key(ip.strip()) if ip else "",
                "email_domain": email_domain,
                "votes": len(vote_ids or ()),
                "voided": len(rows),
            },
        )
    return len(rows)


async def _top(voting_id: UUID, column) -> list[tuple[str, int]]:
    """The TOP values of the column with the most valid votes, counted and cut in SQL."""
    rows = await (
        PrizeVote.select(column, Count(PrizeVote.id, alias="n"))
        .where((PrizeVote.voting == voting_id) & PrizeVote.voided_at.is_null())
        .group_by(column)
        .order_by(OrderByRaw("n"), ascending=False)
        .order_by(column)
        .limit(TOP)
    )
    return [(row[column._meta.name], row["n"]) for row in rows]


async def staff_figures(actor, voting_id: UUID) -> dict:
    """For staff while and after voting: valid and voided votes, and the IP addresses (networks)
    and mail domains with the most valid votes (to find clusters) — no standings. 401/403 for
    anyone but staff."""
    require_moderator(actor)
    total = await PrizeVote.count().where(
        (PrizeVote.voting == voting_id) & PrizeVote.voided_at.is_null()
    )
    voided = await PrizeVote.count().where(
        (PrizeVote.voting == voting_id) & PrizeVote.voided_at.is_not_null()
    )
    found = {"total": total, "voided": voided}
    found["ips"] = await _top(voting_id, PrizeVote.ip)
    found["domains"] = await _top(voting_id, PrizeVote.email_domain)
    reasons = await (
        PrizeVote.select(PrizeVote.void_reason, Count(PrizeVote.id, alias="n"))
        .where((PrizeVote.voting == voting_id) & PrizeVote.voided_at.is_not_null())
        .group_by(PrizeVote.void_reason)
        .order_by(OrderByRaw("n"), ascending=False)
        .limit(TOP)
    )
    found["reasons"] = [(row["void_reason"], row["n"]) for row in reasons]
    return found
