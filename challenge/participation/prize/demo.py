"""Demo data of the people's prize: a closed prize on last year's call (demo_results), its
development-phase teams as consented candidates, and about 100 votes of generated demo residents
in both challenges — some from one address within minutes, voided by staff with a reason — so
the results page shows counts (idempotent: nothing is added when the prize exists)."""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import timedelta

from challenge import db
from challenge.calls.tables import Call
from challenge.organisations.tables import Membership
from challenge.participation.tables import PrizeCandidate, PrizeVote, PrizeVoting
from challenge.platform import clock
from challenge.platform.accounts.passwords import hash_password
from challenge.platform.accounts.tables import RoleGrant, User
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission

PAST_SLUG = "mobilitaet-2025"  # last year's call of the demo (challenge.demo_results)
RESIDENTS = 55
DOMAINS = ("posteo.de", "web.de", "gmx.de", "t-online.de", "mailbox.org", "uni-leipzig.de")
CLUSTER_IP = "198.51.100.23"  # the votes staff voided (documentation address range)
VOID_REASON = "Viele Stimmen aus einem Netz innerhalb weniger Minuten; Konten kurz zuvor angelegt."
# how strongly the residents lean to each candidate, in the candidates' order per challenge
LEANING = (5, 3, 2)


async def _staff_id():
    row = await RoleGrant.select(RoleGrant.user).where(RoleGrant.role == "staff").first()
    return row["user"] if row else None


async def _candidates(call_id) -> list[dict]:
    rows = await Submission.select(
        Submission.id,
        Submission.title,
        Submission.summary,
        Submission.challenge,
        Submission.organisation,
    ).where(
        (Submission.call == call_id)
        & Submission.id.is_in(
            Decision.select(Decision.submission).where(Decision.outcome == "development")
        )
    )
    rows.sort(key=lambda r: r["title"])
    return rows


async def _owner(organisation_id):
    row = (
        await Membership.select(Membership.user)
        .where(Membership.organisation == organisation_id)
        .first()
    )
    return row["user"] if row else None


async def _residents(at) -> list[dict]:
    """The demo residents who voted (made when missing), each with a mail domain."""
    password_hash = hash_password(secrets.token_urlsafe(24))  # nobody signs in as them
    people = []
    for number in range(1, RESIDENTS + 1):
        email = f"publikum{number:03d}@demo.leipzig.de"
        row = await User.select(User.id).where(User.email == email).first()
        if row is None:
            row = (
                await User.insert(
                    User(
                        email=email,
                        name=f"Demo-Bewohnerin {number}",
                        password_hash=password_hash,
                        email_verified_at=at,
                    )
                ).returning(User.id)
            )[0]
        people.append({"id": row["id"], "domain": DOMAINS[number % len(DOMAINS)]})
    return people


def _votes(voting_id, candidates: list[dict], people: list[dict], at, staff) -> list[PrizeVote]:
    rng = random.Random(2025)
    groups: dict = {}
    for candidate in candidates:
        groups.setdefault(candidate["challenge"], []).append(candidate)
    votes = []
    for index, person in enumerate(people):
        cluster = index >= len(people) - 4  # the last four: one address, voided
        for challenge, options in groups.items():
            weights = LEANING[: len(options)] + (1,) * max(0, len(options) - len(LEANING))
            chosen = rng.choices(options, weights=weights)[0]
            when = at + timedelta(hours=rng.randint(1, 300))
            votes.append(
                PrizeVote(
                    id=uuid.uuid4(),
                    voting=voting_id,
                    challenge_key=str(challenge) if challenge else "",
                    user=person["id"],
                    candidate=chosen["candidate_id"],
                    ip=CLUSTER_IP if cluster else f"192.0.2.{rng.randint(1, 254)}",
                    email_domain=person["domain"],
                    created_at=when,
                    updated_at=when,
                    voided_at=at + timedelta(days=14) if cluster else None,
                    voided_by=staff if cluster else None,
                    void_reason=VOID_REASON if cluster else "",
                )
            )
    return votes


async def load(settings) -> int:
    """A closed people's prize on last year's call; returns the rows added (0 when it exists
    or the call has no development-phase teams)."""
    call = await Call.select(Call.id, Call.closes_at).where(Call.slug == PAST_SLUG).first()
    if call is None or await PrizeVoting.exists().where(PrizeVoting.call == call["id"]):
        return 0
    candidates = await _candidates(call["id"])
    if not candidates:
        return 0
    now = clock.now()
    opens_at = max(call["closes_at"] + timedelta(days=60), now - timedelta(days=250))
    closes_at = opens_at + timedelta(days=21)
    staff = await _staff_id()
    people = await _residents(opens_at)
    async with db.write_transaction():
        voting_id = uuid.uuid4()
        await PrizeVoting.insert(
            PrizeVoting(
                id=voting_id,
                call=call["id"],
                opens_at=opens_at,
                closes_at=closes_at,
                created_by=staff,
                created_at=opens_at - timedelta(days=14),
            )
        )
        for candidate in candidates:
            candidate["candidate_id"] = uuid.uuid4()
            await PrizeCandidate.insert(
                PrizeCandidate(
                    id=candidate["candidate_id"],
                    voting=voting_id,
                    submission=candidate["id"],
                    challenge=candidate["challenge"],
                    public_title=candidate["title"][:150],
                    summary=candidate["summary"],
                    consented_at=opens_at - timedelta(days=7),
                    consented_by=await _owner(candidate["organisation"]),
                )
            )
        votes = _votes(voting_id, candidates, people, opens_at, staff)
        await PrizeVote.insert(*votes)
    return 1 + len(candidates) + len(votes)
