"""Small builders for test data; every call gets a unique slug."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from challenge.calls.tables import Call


async def make_call(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    data: dict[str, Any] = {
        "slug": f"call-{uuid.uuid4().hex[:10]}",
        "title": "Testaufruf",
        "summary": "Kurzbeschreibung",
        "description": "Beschreibung",
        "status": "published",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=10),
        "budget_cents": 100_000_00,
        "criteria": [
            {"key": "impact", "name": "Nutzen", "weight": 1, "scale_min": 0, "scale_max": 10}
        ],
    }
    data.update(overrides)
    call = Call(**data)
    await call.save()
    return data


async def make_team(
    owner_id, *, name: str = "Team Test", kind: str = "startup", members=()
) -> dict:
    """An organisation with its owner (and further members)."""
    from challenge.organisations.tables import Membership, Organisation

    now = datetime.now(UTC)
    organisation = Organisation(name=name, kind=kind, created_at=now)
    await organisation.save()
    await Membership(
        organisation=organisation.id, user=owner_id, role="owner", created_at=now
    ).save()
    for member_id in members:
        await Membership(
            organisation=organisation.id, user=member_id, role="member", created_at=now
        ).save()
    return {"id": organisation.id, "name": name}


QUESTIONS = [
    {
        "key": "problem",
        "label": "Welches Problem?",
        "type": "long_text",
        "required": True,
        "max_length": 500,
    },
    {
        "key": "licence",
        "label": "Lizenz",
        "type": "choice",
        "required": True,
        "choices": ["EUPL-1.2", "MIT"],
    },
    {"key": "staff", "label": "Wie viele Personen?", "type": "number", "required": False},
    {"key": "demo", "label": "Demo-Link", "type": "url", "required": False},
]


async def make_unit(name: str | None = None, *, members=()) -> dict:
    """A city unit (and its members, by user id)."""
    from challenge.challenges.tables import Unit, UnitMember

    now = datetime.now(UTC)
    unit = Unit(name=name or f"Amt {uuid.uuid4().hex[:8]}", kind="city_office", created_at=now)
    await unit.save()
    for user_id in members:
        await UnitMember(unit=unit.id, user=user_id, created_at=now).save()
    return {"id": unit.id, "name": unit.name}


async def make_challenge(call: dict, key: str, *, unit: dict | None = None, **overrides) -> dict:
    """An approved challenge attached to the call (made by make_call) under ``key``."""
    from challenge.calls.tables import Call
    from challenge.challenges.tables import Challenge

    unit = unit or await make_unit()
    call_row = await Call.select(Call.id).where(Call.slug == call["slug"]).first()
    values: dict[str, Any] = {
        "unit": unit["id"],
        "title": f"Challenge {key}",
        "problem": "Ein Problem der Stadt.",
        "contact_name": "Kontakt Person",
        "status": "approved",
        "call": call_row["id"],
        "key": key,
        "position": await Challenge.count().where(Challenge.call == call_row["id"]),
        "created_at": datetime.now(UTC),
    }
    values.update(overrides)
    challenge = Challenge(**values)
    await challenge.save()
    return {**values, "id": challenge.id, "unit_name": unit["name"]}
