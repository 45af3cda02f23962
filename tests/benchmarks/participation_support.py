"""A support of a resident's problem (issue 21 figure): the median of POST
/api/v1/participation/problems/{id}/support at a city's size — 5,000 published problems and
100,000 supports by 2,000 residents — target <= 30 ms. Each measured support is a new one (the
insert, the count on the problem, the two rate-limit counters, one write transaction);
withdrawing (DELETE) and a repeated support that changes nothing are measured too.

Run: python -m tests.benchmarks.participation_support   (CHALLENGE_TEST_DATABASE_URL for PostgreSQL)"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from tests.benchmarks.documents import PASSWORD, login
from tests.benchmarks.portal import engine_name, temporary_portal

PROBLEMS, RESIDENTS, SUPPORTS_EACH = 5_000, 2_000, 50  # 2,000 x 50 = 100,000 supports
# five residents measure, each within the hourly limit of 120 supports (support_user):
# 20 rounds of support, support again, withdraw; then 60 more supports
MEASURERS, ROUNDS, MORE, WARM = 5, 20, 60, 5
BATCH = 500
IDS: dict = {}


async def _insert(table, sql_head: str, rows: list[tuple]) -> None:
    """Multi-row INSERTs of these rows in batches (raw: Piccolo objects are too slow here)."""
    width = len(rows[0])
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        values = ", ".join("(" + ", ".join(["{}"] * width) + ")" for _ in chunk)
        await table.raw(f"{sql_head} VALUES {values}", *[v for row in chunk for v in row])


async def prepare() -> None:
    """Residents, published problems and their supports, counts kept as the portal keeps them."""
    from challenge import db
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        await _fill()


async def _fill() -> None:
    from challenge.participation.tables import ResidentProblem
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import User

    now = datetime.now(UTC)
    people = [uuid.uuid4() for _ in range(RESIDENTS)]
    await _insert(
        User,
        "INSERT INTO users (id, email, name, password_hash, locale, affiliation,"
        " email_verified_at, is_active, created_at, updated_at)",
        [
            (p, f"r{n}@example.org", f"R {n}", None, "de", "", now, True, now, now)
            for n, p in enumerate(people)
        ],
    )
    hashed = hash_password(PASSWORD)
    for n in range(MEASURERS):
        await User(
            email=f"measure{n}@example.org", name="M", password_hash=hashed, email_verified_at=now
        ).save()
    problems = [uuid.uuid4() for _ in range(PROBLEMS)]
    counts = [0] * PROBLEMS
    supports = []
    for n, person in enumerate(people):
        for k in range(SUPPORTS_EACH):
            index = (n * 7 + k * 101) % PROBLEMS
            counts[index] += 1
            supports.append((uuid.uuid4(), problems[index], person, now))
    await _insert(
        ResidentProblem,
        "INSERT INTO problems (id, author, title, description, description_html, district, topic,"
        " status, reason, created_at, published_at, support_count, comment_count)",
        [
            (
                p,
                people[n % RESIDENTS],
                f"Problem {n}",
                "Text",
                "<p>Text</p>",
                "mitte",
                "mobility",
                "published",
                "",
                now - timedelta(minutes=n),
                now - timedelta(minutes=n),
                counts[n],
                0,
            )
            for n, p in enumerate(problems)
        ],
    )
    await _insert(
        ResidentProblem, 'INSERT INTO problem_supports (id, problem, "user", created_at)', supports
    )
    IDS["problems"] = [str(p) for p in problems]


async def _timed(client, method: str, url: str, headers: dict) -> float:
    started = time.perf_counter()
    response = await client.request(method, url, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.text
    return elapsed


def _problem(measurer: int, k: int) -> str:
    return IDS["problems"][(measurer * 997 + k * 13) % PROBLEMS]


async def measure(base: str) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"support": [], "withdraw": [], "again": []}
    for n in range(MEASURERS):
        client = await login(base, f"measure{n}@example.org")
        headers = {"x-csrftoken": client.cookies["csrftoken"]}
        try:
            for k in range(ROUNDS + MORE):
                url = f"/api/v1/participation/problems/{_problem(n, k)}/support"
                steps = (("support", "POST"), ("again", "POST"), ("withdraw", "DELETE"))
                for kind, method in steps if k < ROUNDS else steps[:1]:
                    elapsed = await _timed(client, method, url, headers)
                    if n or k >= WARM:
                        times[kind].append(elapsed)
        finally:
            await client.aclose()
    return times


async def main() -> None:
    async with temporary_portal(prepare) as base:
        times = await measure(base)
    engine = engine_name()
    support = times["support"]
    print(
        f"Support a problem, POST /api/v1/participation/problems/{{id}}/support ({engine}), "
        f"{PROBLEMS:,} problems and {RESIDENTS * SUPPORTS_EACH:,} supports, median of "
        f"{len(support)}: {statistics.median(support):.1f} ms   target <= 30 ms"
    )
    print(f"  p95 of the same: {sorted(support)[int(len(support) * 0.95)]:.1f} ms   target —")
    print(
        f"  a repeated support (changes nothing): {statistics.median(times['again']):.1f} ms   target —"
    )
    print(f"  withdrawing (DELETE): {statistics.median(times['withdraw']):.1f} ms   target —")


if __name__ == "__main__":
    asyncio.run(main())
