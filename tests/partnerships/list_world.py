"""Many partnerships at once for the list tests: a fresh call with ``n`` partnerships, each its
own team's, in a cycle of statuses and kinds, with milestones partly approved and paid (and a
payment row for each paid one); optionally their proposals answered a challenge of a unit (for
/projects). Titles and team names carry a tag, so a search finds exactly these."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta

from challenge.calls.tables import Call
from challenge.organisations.tables import Organisation
from challenge.submissions.tables import Submission
from partnerships.tables import Evidence, Milestone, Partnership, Payment
from tests.support.factories import make_call, make_challenge
from tests.support.web import make_user

STATUSES = ("active", "completed", "sent", "signed", "draft", "terminated")
KINDS = ("partnership", "partnership", "stipend", "pilot")
MILESTONE_STATES = ("planned", "submitted", "approved", "paid")
PUBLIC = ("signed", "active", "completed", "terminated")


async def _call() -> dict:
    now = datetime.now(UTC)
    made = await make_call(
        status="results_published",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        results_published_at=now,
        title=f"Aufruf {uuid.uuid4().hex[:6]}",
    )
    return await Call.select().where(Call.slug == made["slug"]).first()


def _milestones(partnership: Partnership, rng: random.Random, finance) -> tuple[list, list, list]:
    now = datetime.now(UTC)
    milestones, evidence, payments = [], [], []
    for k in range(3):
        status = rng.choice(MILESTONE_STATES)
        amount = rng.randint(1, 20) * 1_000_00
        m = Milestone(
            id=uuid.uuid4(),
            partnership=partnership.id,
            position=k + 1,
            title=f"M{k}",
            due_date=date(2027, 1 + k, 1),
            amount_cents=amount,
            status=status,
            paid_cents=amount if status == "paid" else 0,
            approved_at=now - timedelta(days=rng.randint(2, 30))
            if status in ("approved", "paid")
            else None,
        )
        milestones.append(m)
        if status != "planned":
            evidence.append(
                Evidence(milestone=m.id, round=1, note="", created_at=now - timedelta(days=40))
            )
        if status == "paid":
            payments.append(
                Payment(
                    milestone=m.id,
                    partnership=partnership.id,
                    amount_cents=amount,
                    paid_on=date(2027, 6, 1),
                    recorded_by=finance,
                    created_at=now,
                )
            )
    return milestones, evidence, payments


async def many_partnerships(n: int, *, unit: dict | None = None, seed: int = 7) -> dict:
    """``n`` partnerships in a fresh call: ``{call, tag, partnerships: [dict], milestones,
    payments}`` (the dicts as stored)."""
    rng = random.Random(seed)
    tag = uuid.uuid4().hex[:8]
    call = await _call()
    challenge = (
        await make_challenge({"slug": call["slug"]}, f"k-{tag}", unit=unit) if unit else None
    )
    finance = (await make_user(roles=("finance",), email=f"fin-{tag}@example.org"))["id"]
    now = datetime.now(UTC)
    base = random.SystemRandom().randint(10_000_000, 2_000_000_000 - n)
    teams, submissions, partnerships, children = [], [], [], ([], [], [])
    for i in range(n):
        team = Organisation(id=uuid.uuid4(), name=f"Team {tag} {i}", kind="startup", created_at=now)
        submission = Submission(
            id=uuid.uuid4(),
            call=call["id"],
            organisation=team.id,
            challenge=challenge["id"] if challenge else None,
            title=f"Vorschlag {tag} {i}",
            status="submitted",
            reference=f"L-{tag}-{i}",
            consent_publication=True,
            created_at=now,
        )
        status = STATUSES[i % len(STATUSES)]
        p = Partnership(
            id=uuid.uuid4(),
            number=base + i,
            year=2027,
            call=call["id"],
            submission=submission.id,
            organisation=team.id,
            kind=KINDS[i % len(KINDS)],
            title=f"Projekt {tag} Nummer {i}",
            start_date=date(2027, 1, 1),
            end_date=date(2027, 12, 31),
            total_cents=rng.randint(10, 90) * 1_000_00,
            status=status,
            created_at=now - timedelta(minutes=i),
            signed_at=now - timedelta(days=5) if status in PUBLIC else None,
            signed_name=team.name if status in PUBLIC else "",
        )
        teams.append(team)
        submissions.append(submission)
        partnerships.append(p)
        for bucket, rows in zip(children, _milestones(p, rng, finance), strict=True):
            bucket.extend(rows)
    for table, rows in (
        (Organisation, teams),
        (Submission, submissions),
        (Partnership, partnerships),
        (Milestone, children[0]),
        (Evidence, children[1]),
        (Payment, children[2]),
    ):
        if rows:
            await table.insert(*rows)
    return {
        "call": call,
        "tag": tag,
        "partnerships": [p.to_dict() for p in partnerships],
        "milestones": [m.to_dict() for m in children[0]],
        "payments": [y.to_dict() for y in children[2]],
    }
