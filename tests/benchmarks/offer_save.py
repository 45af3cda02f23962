"""The offer form's save (issue 18 figure): the median of the team's PUT
/api/v1/submissions/{id}/offer over a few hundred saves of a realistic offer (six milestones,
eight cost lines, texts), each on top of the version the previous one returned — target
<= 50 ms on PostgreSQL. The page's form post (parse, save, redirect) is measured too.

Run: python -m tests.benchmarks.offer_save   (CHALLENGE_TEST_DATABASE_URL for PostgreSQL)"""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta

from tests.benchmarks.documents import login
from tests.benchmarks.portal import engine_name, temporary_portal

PASSWORD = "Benchmark-Passwort-2026"
SAVES, FORM_SAVES, WARM = 300, 100, 10
SUBMISSION: dict = {}


async def prepare() -> None:
    """A call with published results, a challenge, and a team selected for development."""
    from challenge import db
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        call_id, challenge_id = await _call_and_challenge()
        SUBMISSION["id"] = str(await _selected_team(call_id, challenge_id))


async def _call_and_challenge():
    from challenge.calls.tables import Call
    from challenge.challenges.tables import Challenge, Unit

    now = datetime.now(UTC)
    call = Call(
        slug="angebote",
        title="Smart City Challenge 2027",
        summary="Benchmark",
        status="results_published",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
        results_published_at=now - timedelta(days=5),
        budget_cents=100_000_00,
        created_at=now,
    )
    await call.save()
    unit = Unit(name="Amt für Stadtgrün", kind="city_office", created_at=now)
    await unit.save()
    challenge = Challenge(
        unit=unit.id,
        title="Kühle Wege",
        problem="Hitze",
        contact_name="Kontakt",
        status="approved",
        call=call.id,
        key="a",
        position=0,
        created_at=now,
    )
    await challenge.save()
    return call.id, challenge.id


async def _selected_team(call_id, challenge_id):
    from challenge.organisations.tables import Membership, Organisation
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import User
    from challenge.results.tables import Decision
    from challenge.submissions.tables import Submission

    now = datetime.now(UTC)
    owner = User(
        email="team@example.org",
        name="Tina Team",
        password_hash=hash_password(PASSWORD),
        email_verified_at=now,
    )
    await owner.save()
    team = Organisation(name="Schattenwerk GmbH", kind="startup", created_at=now)
    await team.save()
    await Membership(organisation=team.id, user=owner.id, role="owner").save()
    submission = Submission(
        call=call_id,
        organisation=team.id,
        challenge=challenge_id,
        title="Schattige Wege",
        status="submitted",
        reference="SCC-2027-0001",
        created_at=now,
    )
    await submission.save()
    await Decision(
        call=call_id,
        submission=submission.id,
        outcome="development",
        award_cents=2_000_00,
        rationale="Gut",
        created_at=now,
    ).save()
    return submission.id


def offer(version: int, n: int) -> dict:
    return {
        "scope": f"Schattenkarte und Routenplaner für drei Quartiere (Fassung {n}). " * 20,
        "goals": "Kühlere Wege im Sommer für ältere Menschen. " * 10,
        "indicators": "500 Nutzungen pro Woche; 30 gemeldete Schattenorte. " * 5,
        "months": 6,
        "milestones": [
            {
                "title": f"Meilenstein {k}",
                "deliverables": "Software und Bericht " * 5,
                "month": k,
                "amount_cents": 3_000_00,
            }
            for k in range(1, 7)
        ],
        "costs": [
            {"category": f"Kategorie {k}", "description": "Personal " * 5, "amount_cents": 2_250_00}
            for k in range(8)
        ],
        "followup_cents_per_year": 3_000_00,
        "operation": "Betrieb durch das Amt, Wartung durch das Team. " * 5,
        "personal_data": "keine",
        "hosting": "Rechenzentrum der Stadt Leipzig",
        "open_source": {"intent": True, "licence": "EUPL-1.2", "repository_plan": "OpenCoDE"},
        "version": version,
    }


def form(version: int, n: int) -> dict:
    data = {"version": str(version), "scope": f"Fassung {n}", "months": "6", "action": "save"}
    for k in range(6):
        data.update({f"m{k}_title": f"M{k}", f"m{k}_month": str(k + 1), f"m{k}_amount": "3.000,00"})
        data[f"m{k}_deliverables"] = "Bericht"
    for k in range(8):
        data.update({f"c{k}_category": f"K{k}", f"c{k}_description": "", f"c{k}_amount": "2.250"})
    data.update(followup="3.000", os_intent="1", os_licence="EUPL-1.2")
    return data


async def measure(base: str) -> tuple[list[float], list[float]]:
    client = await login(base, "team@example.org")
    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    url = f"/api/v1/submissions/{SUBMISSION['id']}/offer"
    api_times, form_times, version = [], [], 0
    try:
        for n in range(WARM + SAVES):
            started = time.perf_counter()
            response = await client.put(url, json=offer(version, n), headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.text
            version = response.json()["version"]
            if n >= WARM:
                api_times.append(elapsed)
        page = f"/development/{SUBMISSION['id']}/offer"
        for n in range(FORM_SAVES):
            data = {**form(version, n), "_csrf_token": client.cookies["csrftoken"]}
            started = time.perf_counter()
            response = await client.post(page, data=data, follow_redirects=False)
            form_times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 303, response.text[:2000]
            version += 1
    finally:
        await client.aclose()
    return api_times, form_times


async def main() -> None:
    async with temporary_portal(prepare) as base:
        api_times, form_times = await measure(base)
    engine = engine_name()
    print(
        f"Offer save, PUT /api/v1/submissions/{{id}}/offer ({engine}), median of {SAVES}: "
        f"{statistics.median(api_times):.1f} ms   target <= 50 ms"
    )
    print(f"  p95 of the same: {sorted(api_times)[int(len(api_times) * 0.95)]:.1f} ms   target —")
    print(
        f"  the page's form post (parse, save, redirect), median of {FORM_SAVES}: "
        f"{statistics.median(form_times):.1f} ms   target —"
    )


if __name__ == "__main__":
    asyncio.run(main())
