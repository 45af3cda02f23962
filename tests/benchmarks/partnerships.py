"""Partnership figures: the contract PDF render (target <= 150 ms median, with the OCDS
release embedded) and the funding overview for 500 partnerships x 6 milestones over HTTP
(target <= 100 ms), the staff list of those partnerships, and the open-data release package
for them: build time uncached (target <= 300 ms) and size, and the answer when unchanged
(target <= 5 ms).

Run: python -m tests.benchmarks.partnerships   (CHALLENGE_TEST_DATABASE_URL for PostgreSQL)"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import httpx

from tests.benchmarks.documents import login
from tests.benchmarks.portal import engine_name, median_ms, temporary_portal

PASSWORD = "Benchmark-Passwort-2026"
PARTNERSHIPS, MILESTONES = 500, 6


def contract_render_median() -> float:
    from challenge.platform.pdf.render import render_pdf

    partnership = {
        "title": "Sichere Fahrradbügel an 40 Haltestellen",
        "scope": "Entwicklung und Pilotbetrieb " * 20,
        "city_unit": "Referat Digitale Stadt",
        "start_date": date(2027, 1, 1),
        "end_date": date(2027, 12, 31),
        "total_cents": 50_000_00,
    }
    milestones = [
        {
            "position": n,
            "title": f"Meilenstein {n}",
            "deliverables": "Bericht und Software " * 3,
            "due_date": date(2027, n + 1, 1),
            "amount_cents": 50_000_00 // 6,
        }
        for n in range(1, 7)
    ]
    attachment = json.dumps(
        {
            "releases": [
                {"ocid": "ocds-000000-SCC-2027-1", "contracts": [{"milestones": milestones}]}
            ]
        },
        default=str,
    ).encode()
    times = []
    for n in range(23):
        started = time.perf_counter()
        render_pdf(
            "contract.html",
            locale="de",
            partnership=partnership,
            organisation={"name": "Radwerk GmbH", "city": "Leipzig"},
            milestones=milestones,
            ocid="ocds-000000-SCC-2027-1",
            verify_url="http://x/verify",
            verification_code="ABCD-EFGH-JKMN",
            issued_at=datetime.now(UTC),
            title="Vertrag",
            attachments=[("release-package.json", attachment, "OCDS")],
        )
        if n >= 3:
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def prepare() -> None:
    from challenge import db
    from challenge.calls.tables import Call
    from challenge.organisations.tables import Organisation
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import RoleGrant, User
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings
    from challenge.submissions.tables import Submission
    from partnerships.tables import Evidence, Milestone, Partnership, Payment

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        now = datetime.now(UTC)
        finance = User(
            email="finance@example.org",
            name="Finanzen",
            password_hash=hash_password(PASSWORD),
            email_verified_at=now,
        )
        await finance.save()
        await RoleGrant(user=finance.id, role="finance").save()
        calls = [
            Call(
                slug=f"aufruf-{n}",
                title=f"Aufruf {n}",
                status="results_published",
                opens_at=now,
                closes_at=now,
                created_at=now,
                budget_cents=1,
            )
            for n in range(5)
        ]
        await Call.insert(*calls)
        # one team per proposal: a team has one open proposal per call
        teams = [
            Organisation(id=uuid.uuid4(), name=f"Partnerin {n}", kind="startup", created_at=now)
            for n in range(PARTNERSHIPS)
        ]
        for start in range(0, PARTNERSHIPS, 250):
            await Organisation.insert(*teams[start : start + 250])
        rng = random.Random(3)
        partnerships, milestones, evidence, payments = [], [], [], []
        submissions = [
            Submission(
                id=uuid.uuid4(),
                call=calls[n % 5].id,
                organisation=teams[n].id,
                title=f"P{n}",
                status="submitted",
                reference=f"SCC-B-{n:05d}",
                created_at=now,
            )
            for n in range(PARTNERSHIPS)
        ]
        for start in range(0, PARTNERSHIPS, 250):
            await Submission.insert(*submissions[start : start + 250])
        for n, submission in enumerate(submissions):
            p = Partnership(
                id=uuid.uuid4(),
                number=n + 1,
                year=2025 + n % 3,
                call=submission.call,
                submission=submission.id,
                organisation=submission.organisation,
                title=f"Partnerschaft {n}",
                start_date=date(2026, 1, 1),
                end_date=date(2027, 12, 31),
                total_cents=6 * 10_000_00,
                status=rng.choice(["active", "active", "completed", "sent"]),
                created_at=now,
                signed_at=now - timedelta(days=rng.randint(100, 300)),
            )
            if p.status == "sent":
                p.signed_at = None
            partnerships.append(p)
            for k in range(MILESTONES):
                status = rng.choice(["planned", "submitted", "approved", "paid"])
                m = Milestone(
                    id=uuid.uuid4(),
                    partnership=p.id,
                    position=k + 1,
                    title=f"M{k}",
                    due_date=date(2026, 1 + k, 1),
                    amount_cents=10_000_00,
                    status=status,
                    approved_at=now - timedelta(days=rng.randint(1, 60))
                    if status in ("approved", "paid")
                    else None,
                )
                milestones.append(m)
                if status != "planned":
                    evidence.append(
                        Evidence(
                            milestone=m.id, round=1, note="", created_at=now - timedelta(days=70)
                        )
                    )
                if status == "paid":
                    payments.append(
                        Payment(
                            milestone=m.id,
                            partnership=p.id,
                            amount_cents=10_000_00,
                            paid_on=date(2026, 6, 1),
                            recorded_by=finance.id,
                            created_at=now,
                        )
                    )
        for rows, table in (
            (partnerships, Partnership),
            (milestones, Milestone),
            (evidence, Evidence),
            (payments, Payment),
        ):
            for start in range(0, len(rows), 500):
                await table.insert(*rows[start : start + 500])


async def opendata_figures(client: httpx.AsyncClient, engine: str) -> None:
    from challenge import db
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings
    from partnerships import opendata

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        builds = []
        for _ in range(5):
            started = time.perf_counter()
            release, _record = opendata.build(settings, await opendata.load_facts())
            builds.append((time.perf_counter() - started) * 1000)
        count = len(json.loads(release)["releases"])
    client = httpx.AsyncClient(
        base_url=str(client.base_url)
    )  # the city's data platform: no session
    first = await client.get("/api/v1/opendata/ocds/release-package.json")
    etag = first.headers["etag"]
    unchanged, conditional = [], []
    for _ in range(20):
        started = time.perf_counter()
        (await client.get("/api/v1/opendata/ocds/release-package.json")).raise_for_status()
        unchanged.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        response = await client.get(
            "/api/v1/opendata/ocds/release-package.json", headers={"if-none-match": etag}
        )
        conditional.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 304
    print(
        f"OCDS release package, {PARTNERSHIPS} partnerships ({engine}): {count} releases, {len(release) / 1024:.0f} KB "
        f"({len(first.content) / 1024:.0f} KB served); build from the database, median of 5: "
        f"{statistics.median(builds):.0f} ms   target <= 300 ms"
    )
    print(
        f"  unchanged, 304 for If-None-Match over HTTP, median of 20: {statistics.median(conditional):.1f} ms"
        "   target <= 5 ms"
    )
    print(
        f"  the same package with its body (200) over HTTP, median of 20: {statistics.median(unchanged):.1f} ms"
        "   target —"
    )
    await client.aclose()


async def main() -> None:
    print(
        f"Contract PDF with embedded OCDS release, median of 20 warm: {contract_render_median():.0f} ms   target <= 150 ms"
    )
    async with temporary_portal(prepare) as base:
        client = await login(base, "finance@example.org")
        try:
            for label, path in (
                ("funding overview (API)", "/api/v1/funding"),
                ("funding overview (page)", "/staff/funding"),
                ("partnership list (API)", "/api/v1/partnerships"),
            ):
                await client.get(path)
                ms, _response = await median_ms(client, path, runs=10)
                target = "   target <= 100 ms" if path == "/api/v1/funding" else ""
                print(
                    f"{label}, {PARTNERSHIPS} x {MILESTONES} ({engine_name()}), median of 10: {ms:.0f} ms{target}"
                )
            await opendata_figures(client, engine_name())
        finally:
            await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
