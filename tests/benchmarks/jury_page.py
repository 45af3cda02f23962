"""The lists that grow with a call (issue 25): 5,000 proposals in 2 calls (one without
challenges, one with 2 challenges), 60 jurors on both juries, 5 assignments per entry (4 of 5
done, with their final reviews). Prints the p50 and size of the staff jury page, the staff
proposals list, a unit's proposals list and a juror's own pages, over HTTP against a running
server (target <= 100 ms and <= 300 KB each).

Run: CHALLENGE_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
     python -m tests.benchmarks.jury_page      (without the variable: SQLite)"""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta

from tests.benchmarks.documents import login
from tests.benchmarks.portal import engine_name, median_ms, temporary_portal
from tests.benchmarks.ranking_api import (
    PASSWORD,
    PER_ENTRY,
    seed_call,
    seed_jurors,
    seed_scored_entries,
    seed_teams,
)

PER_CALL, JURORS, CHALLENGES = 2500, 60, ("a", "b")
SEEDED: dict = {}  # what prepare() made that the measurements name: the first challenge's id


async def second_call(first: dict, now) -> dict:
    """A second closed call like the first, with two approved challenges of one unit."""
    from challenge.calls.tables import Call
    from challenge.challenges.tables import Challenge, Unit

    call = Call(
        slug="challenges",
        title="Smart City Challenge",
        status="published",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        criteria=first["criteria"],
        created_at=now,
        budget_cents=1_000_000_00,
        awards_planned=6,
    )
    await call.save()
    unit = Unit(name="Amt für Stadtgrün", kind="city_office", created_at=now)
    await unit.save()
    for position, key in enumerate(CHALLENGES):
        await Challenge(
            unit=unit.id,
            title=f"Challenge {key}",
            status="approved",
            call=call.id,
            key=key,
            position=position,
            places=3,
            created_at=now,
        ).save()
    return await Call.select().output(load_json=True).where(Call.id == call.id).first()


async def seed_jury(call: dict, jurors: list, now) -> None:
    """Every juror on the call's jury (accepted, declared) and one assignment per review, 4 of
    5 done."""
    from challenge.jury.tables import Assignment, Juror, Review

    await Juror.insert(
        *[
            Juror(
                call=call["id"],
                user=j.id,
                invited_at=now,
                accepted_at=now,
                declaration_completed_at=now,
            )
            for j in jurors
        ]
    )
    reviews = await Review.select(Review.round, Review.juror, Review.submission).where(
        Review.round.call == call["id"]
    )
    rows = [
        Assignment(
            id=uuid.uuid4(),
            round=r["round"],
            juror=r["juror"],
            submission=r["submission"],
            status="assigned" if n % PER_ENTRY == 0 else "done",
            created_at=now,
        )
        for n, r in enumerate(reviews)
    ]
    for start in range(0, len(rows), 1000):
        await Assignment.insert(*rows[start : start + 1000])


async def prepare() -> None:
    from challenge import db
    from challenge.challenges.tables import Challenge
    from challenge.jury.services import round_of
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import User
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings

    settings = prepare_settings(load_settings())
    async with db.connected(settings):
        await db.migrate()
        now = datetime.now(UTC)
        rng = random.Random(25)
        first, criteria = await seed_call("gross", "Großer Aufruf", 20, now)
        jurors = await seed_jurors(JURORS, now)
        await User.update({User.password_hash: hash_password(PASSWORD)}).where(
            User.id == jurors[0].id
        )
        teams = await seed_teams(PER_CALL, now)
        await seed_scored_entries(first, await round_of(first), teams, jurors, criteria, rng, now)
        await seed_jury(first, jurors, now)
        second = await second_call(first, now)
        round_ = await round_of(second)
        share = PER_CALL // len(CHALLENGES)
        for n, key in enumerate(CHALLENGES):
            challenge = await Challenge.select(Challenge.id).where(Challenge.key == key).first()
            SEEDED.setdefault("challenge", challenge["id"])
            await seed_scored_entries(
                second,
                round_,
                teams[n * share : (n + 1) * share],
                jurors,
                criteria,
                rng,
                now,
                challenge=challenge["id"],
                prefix=key.upper(),
            )
        await seed_jury(second, jurors, now)


async def measure(client, label: str, url: str) -> None:
    await client.get(url)  # warm up
    ms, response = await median_ms(client, url)
    print(f"  {label:<44} {ms:6.0f} ms (target <= 100 ms)")
    print(f"  {label + ', size':<44} {len(response.content) // 1024:6d} KB (target <= 300 KB)")


async def main() -> None:
    async with temporary_portal(prepare) as base:
        staff = await login(base, "staff@example.org")
        juror = await login(base, "juror0@example.org")
        try:
            print(
                f"Lists at 2 calls x {PER_CALL} proposals, {JURORS} jurors, k={PER_ENTRY} "
                f"({engine_name()}), median of 5:"
            )
            await measure(staff, "staff jury page", "/staff/calls/gross/jury")
            await measure(staff, "staff jury page (challenges)", "/staff/calls/challenges/jury")
            await measure(staff, "staff proposals list", "/staff/calls/gross/submissions")
            await measure(
                staff, "staff proposals list, page 40", "/staff/calls/gross/submissions?page=40"
            )
            await measure(
                staff, "unit proposals list", f"/unit/challenges/{SEEDED['challenge']}/proposals"
            )
            await measure(juror, "juror's juries", "/jury")
            await measure(juror, "juror's list", "/jury/calls/gross")
        finally:
            await staff.aclose()
            await juror.aclose()


if __name__ == "__main__":
    asyncio.run(main())
