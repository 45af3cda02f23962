"""Builders for the pilot and bonus tests: a call with a challenge, teams selected for the
development phase, their offers inserted directly (the offer table exists), the phase's dates."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from challenge.calls.tables import Call
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.development.tables import DevelopmentPhase, Offer
from tests.support.factories import make_call, make_challenge, make_team, make_unit
from tests.support.web import api, make_user, unique_email

PHASE_END = date(2027, 2, 28)  # a pilot starts the next day: 1 March 2027
PILOT_START = date(2027, 3, 1)
PLAN = [
    {
        "title": "Prototyp im Testgebiet",
        "deliverables": "Sensoren",
        "month": 2,
        "amount_cents": 8_000_00,
    },
    {
        "title": "Betrieb und Auswertung",
        "deliverables": "Bericht",
        "month": 6,
        "amount_cents": 12_000_00,
    },
]


def offer_values(*, status="submitted", intent=True, licence="EUPL-1.2", plan=None, months=6):
    plan = PLAN if plan is None else plan
    return {
        "status": status,
        "scope": "Schattenkarte für drei Quartiere",
        "goals": "Kühlere Wege im Sommer",
        "indicators": "Nutzung",
        "months": months,
        "milestones": plan,
        "costs": [
            {
                "category": "Personal",
                "description": "",
                "amount_cents": sum(m["amount_cents"] for m in plan),
            }
        ],
        "total_cents": sum(m["amount_cents"] for m in plan),
        "open_source": {
            "intent": intent,
            "licence": licence,
            "repository_plan": "GitLab",
            "ownership": "Team",
        },
        "public_summary": "Eine Karte schattiger Wege für heiße Tage.",
        "consent_publication": True,
    }


async def pilot_call(*, teams=2, offers=None, budget=25_000_00, bonus_cap=1_000_000):
    """A call whose challenge ``a`` has ``teams`` entries selected for development, each with an
    offer (``offers[i]`` overrides offer_values; None in the list: no offer). Returns
    (call, challenge, entries) — entries with id, reference, owner."""
    now = datetime.now(UTC)
    made = await make_call(
        status="results_published",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
        results_published_at=now - timedelta(days=50),
    )
    call = await Call.select().where(Call.slug == made["slug"]).first()
    unit = await make_unit(f"Amt für Umwelt {uuid.uuid4().hex[:4]}")
    challenge = await make_challenge(
        made, "a", unit=unit, title="Kühle Wege", pilot_budget_cents=budget, pilot_months=6
    )
    await DevelopmentPhase(
        call=call["id"],
        starts_on=PHASE_END - timedelta(weeks=8) + timedelta(days=1),
        ends_on=PHASE_END,
        offer_due_at=datetime(2027, 2, 28, 22, 59, 59, tzinfo=UTC),
        bonus_cap_cents=bonus_cap,
        created_at=now,
    ).save()
    offers = offers if offers is not None else [{}] * teams
    entries = []
    for index in range(teams):
        owner = await make_user(name=f"Team-Person {index}", email=unique_email("team"))
        team = await make_team(owner["id"], name=f"Team {uuid.uuid4().hex[:6]}")
        reference = f"SCC-{uuid.uuid4().hex[:8]}"
        submission = Submission(
            call=call["id"],
            organisation=team["id"],
            challenge=challenge["id"],
            title=f"Schattige Wege {index + 1}",
            status="submitted",
            reference=reference,
            consent_publication=True,
            submitted_at=now - timedelta(days=70),
            created_at=now,
        )
        await submission.save()
        await Decision(
            call=call["id"], submission=submission.id, outcome="development", created_at=now
        ).save()
        override = offers[index] if index < len(offers) else {}
        if override is not None:
            await Offer(
                submission=submission.id,
                challenge=challenge["id"],
                created_at=now,
                submitted_at=now,
                **{**offer_values(), **override},
            ).save()
        entries.append({"id": submission.id, "reference": reference, "owner": owner, "team": team})
    return call, challenge, entries


async def decide(client, call, submission_id, rationale="Reif und gut umsetzbar", key="a"):
    return await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/pilots",
        {
            "challenge": key,
            "submission_id": str(submission_id) if submission_id else None,
            "rationale": rationale,
        },
    )
