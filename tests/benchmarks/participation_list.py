"""Residents' problems at a city's scale (issue 21 figure): 5,000 published problems and 100,000
supports (bulk-inserted; each problem's support_count equals its rows in problem_supports) in a
fresh database, then the median time of `/mitmachen` page 1 sorted by supports, anonymous and
uncached (the page sets no cache; target <= 100 ms), page 50, a search, and the JSON list.

Beside the HTTP figures, in-process: the statements the list runs (none may count supports) and
the query plan of page 1, which must walk the index problems_by_supports (status,
support_count DESC, published_at DESC) instead of sorting the table. The tables are analysed
after the bulk load, as autovacuum would have them in a running portal.

Run: python -m tests.benchmarks.participation_list   (CHALLENGE_TEST_DATABASE_URL for PostgreSQL)"""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from tests.benchmarks.portal import engine_name, median_ms, temporary_portal

PROBLEMS, SUPPORTS, PEOPLE = 5_000, 100_000, 2_000
RUNS = 20
BATCH = 500
PAGES = (
    ("/mitmachen page 1 by supports", "/mitmachen"),
    ("/mitmachen page 50 by supports", "/mitmachen?page=50"),
    ("/mitmachen newest first", "/mitmachen?sort=new"),
    ("/mitmachen search and district", "/mitmachen?q=Parkplatz&district=mitte"),
    ("JSON list page 1 by supports", "/api/v1/participation/problems"),
)
DISTRICTS = ("mitte", "nord", "ost", "sued", "west", "alt-west", "suedost", "nordwest")
TOPICS = ("mobility", "environment", "energy", "education", "social", "housing")
WORDS = ("Parkplatz", "Radweg", "Spielplatz", "Beleuchtung", "Lärm", "Bäume", "Bürgeramt")


def support_counts(rng: random.Random) -> list[int]:
    """A skewed spread summing to SUPPORTS: a few problems with many, most with few (each at
    most PEOPLE, one support per person and problem)."""
    weights = [1 / (rank + 10) for rank in range(PROBLEMS)]
    total = sum(weights)
    counts = [min(PEOPLE, int(SUPPORTS * w / total)) for w in weights]
    for index in range(SUPPORTS - sum(counts)):
        counts[index % PROBLEMS] += 1
    rng.shuffle(counts)
    return counts


async def _people(now) -> list[uuid.UUID]:
    from challenge.platform.accounts.tables import User

    ids = [uuid.uuid4() for _ in range(PEOPLE)]
    for start in range(0, PEOPLE, BATCH):
        await User.insert(
            *(
                User(
                    id=user_id,
                    email=f"person-{start + n}@example.org",
                    name=f"Person {start + n}",
                    password_hash="-",
                    email_verified_at=now,
                )
                for n, user_id in enumerate(ids[start : start + BATCH])
            )
        )
    return ids


def _problem(rng: random.Random, n: int, count: int, author, now):
    from challenge.participation.tables import ResidentProblem

    word = WORDS[n % len(WORDS)]
    text = f"{word} im Viertel: ein Problem, das viele betrifft ({n})."
    published = now - timedelta(minutes=n)
    return ResidentProblem(
        id=uuid.uuid4(),
        author=author,
        title=f"{word}: Problem Nummer {n}",
        description=text,
        description_html=f"<p>{text}</p>",
        district=DISTRICTS[n % len(DISTRICTS)],
        topic=TOPICS[n % len(TOPICS)],
        status="published",
        created_at=published - timedelta(days=1),
        published_at=published,
        support_count=count,
        comment_count=rng.randint(0, 12),
    )


async def _supports(problem_ids, counts, people, now) -> None:
    from challenge.participation.tables import ProblemSupport

    rows = [
        (problem_id, people[k])
        for problem_id, count in zip(problem_ids, counts, strict=True)
        for k in range(count)
    ]
    for start in range(0, len(rows), BATCH * 2):
        await ProblemSupport.insert(
            *(
                ProblemSupport(id=uuid.uuid4(), problem=problem_id, user=user_id, created_at=now)
                for problem_id, user_id in rows[start : start + BATCH * 2]
            )
        )


async def prepare() -> None:
    """The people, the problems with their counts, the supports; then the planner's statistics."""
    from challenge import db
    from challenge.participation.tables import ResidentProblem
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings

    rng = random.Random(21)
    now = datetime.now(UTC)
    async with db.connected(prepare_settings(load_settings())):
        await db.migrate()
        people = await _people(now)
        counts = support_counts(rng)
        problems = [_problem(rng, n, counts[n], people[n % PEOPLE], now) for n in range(PROBLEMS)]
        for start in range(0, PROBLEMS, BATCH):
            await ResidentProblem.insert(*problems[start : start + BATCH])
        await _supports([p.id for p in problems], counts, people, now)
        await ResidentProblem.raw("ANALYZE")
        await check_consistency()
        await report_plan()


async def check_consistency() -> None:
    """Every problem's support_count equals its supports (the figure measures the real data)."""
    from challenge.participation.tables import ProblemSupport, ResidentProblem

    total = await ProblemSupport.count()
    counted = (await ResidentProblem.raw("SELECT SUM(support_count) AS n FROM problems"))[0]["n"]
    wrong = await ResidentProblem.raw(
        "SELECT COUNT(*) AS n FROM problems p WHERE p.support_count <> "
        "(SELECT COUNT(*) FROM problem_supports s WHERE s.problem = p.id)"
    )
    assert total == SUPPORTS == counted and wrong[0]["n"] == 0, (total, counted, wrong)
    print(f"seeded: {PROBLEMS} published problems, {total} supports, support_count consistent")


async def report_plan() -> None:
    """The statements page 1 runs and the plan of its list query."""
    from challenge.participation.problems import service
    from challenge.participation.tables import ResidentProblem
    from tests.support.databases import counted_queries

    with counted_queries() as seen:
        await service.public_list(sort="supports", page=1)
    statements = [str(query) for query in seen]
    assert not any("problem_supports" in s for s in statements), statements
    sql = next(s for s in statements if "ORDER BY" in s)
    postgres = engine_name() == "postgresql"
    prefix = "EXPLAIN" if postgres else "EXPLAIN QUERY PLAN"
    rows = await ResidentProblem.raw(f"{prefix} {sql}")
    plan = " | ".join(str(next(iter(row.values())) if postgres else row["detail"]) for row in rows)
    uses_index = "problems_by_supports" in plan
    print(f"page 1 runs {len(statements)} statements, none over problem_supports")
    print(f"page 1 list query plan: {plan}")
    print(f"page 1 list query walks problems_by_supports: {'yes' if uses_index else 'NO'}")
    assert uses_index and (postgres or "TEMP B-TREE" not in plan), plan


async def main() -> None:
    engine = engine_name()
    async with temporary_portal(prepare) as base:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            for label, path in PAGES:
                for _ in range(3):
                    (await client.get(path)).raise_for_status()  # warm: templates compiled
                ms, response = await median_ms(client, path, runs=RUNS)
                where = f"{PROBLEMS} problems, {SUPPORTS} supports ({engine})"
                target = "target <= 100 ms" if label.startswith("/mitmachen page 1") else "target —"
                print(f"{label}, {where}, median of {RUNS}: {ms:.1f} ms ({target})")
                assert "@example.org" not in response.text


if __name__ == "__main__":
    asyncio.run(main())
