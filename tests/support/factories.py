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
        "criteria": [{"key": "impact", "name": "Nutzen", "weight": 1, "scale_min": 0, "scale_max": 10}],
    }
    data.update(overrides)
    call = Call(**data)
    await call.save()
    return data
