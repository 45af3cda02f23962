"""Conversations (issue 20 figures): the median of posting a message to a proposal's thread
(POST /api/v1/submissions/{id}/messages: access check, thread upsert, message, read mark, audit
entry, notifications — target <= 40 ms on PostgreSQL) and the staff's start page with 500 open
threads (each with a message the staff member has not read) and 100 open information requests,
a third of them overdue (GET /dashboard — target <= 100 ms). The staff's list of conversations
(/staff/messages, 50 a page) is measured beside them.

Run: python -m tests.benchmarks.messages   (CHALLENGE_TEST_DATABASE_URL for PostgreSQL)"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from tests.benchmarks.documents import login
from tests.benchmarks.portal import engine_name, temporary_portal

PASSWORD = "Benchmark-Passwort-2026"
THREADS, REQUESTS, POSTS, PAGES, WARM = 500, 100, 300, 50, 10
SUBMISSION: dict = {}


async def _people(now):
    from challenge.platform.accounts.passwords import hash_password
    from challenge.platform.accounts.tables import RoleGrant, User

    hashed = hash_password(PASSWORD)
    staff = User(email="staff@example.org", name="Sina Staff", password_hash=hashed)
    team = User(email="team@example.org", name="Tina Team", password_hash=hashed)
    for user in (staff, team):
        user.email_verified_at = now
        await user.save()
    await RoleGrant(user=staff.id, role="staff").save()
    return staff.id, team.id


async def _proposals(call_id, team_user, now) -> list:
    """500 teams with a submitted proposal each (the first one's owner is the team user)."""
    from challenge.organisations.tables import Membership, Organisation
    from challenge.submissions.tables import Submission

    teams = [Organisation(name=f"Team {n}", kind="startup", created_at=now) for n in range(THREADS)]
    await Organisation.insert(*teams)
    await Membership(organisation=teams[0].id, user=team_user, role="owner", created_at=now).save()
    proposals = [
        Submission(
            call=call_id,
            organisation=team.id,
            title=f"Vorschlag {n}",
            status="submitted",
            reference=f"SCC-2027-{n + 1:04d}",
            created_at=now,
            submitted_at=now,
        )
        for n, team in enumerate(teams)
    ]
    await Submission.insert(*proposals)
    return [proposal.id for proposal in proposals]


async def _threads(call_id, proposals, team_user, staff_user, now) -> None:
    """A thread with one message of its team on every proposal; 100 requests, 33 overdue."""
    from challenge.messages.tables import InformationRequest, Message, Thread

    threads = [
        Thread(
            id=uuid.uuid4(),
            subject_type="submission",
            subject_id=proposal,
            call=call_id,
            created_at=now - timedelta(minutes=n),
            last_message_at=now - timedelta(minutes=n),
            message_count=1,
        )
        for n, proposal in enumerate(proposals)
    ]
    await Thread.insert(*threads)
    await Message.insert(
        *(
            Message(
                thread=thread.id,
                author=team_user,
                side="team",
                body="Eine Frage zum Zeitplan.",
                body_html="<p>Eine Frage zum Zeitplan.</p>",
                created_at=thread.last_message_at,
            )
            for thread in threads
        )
    )
    await InformationRequest.insert(
        *(
            InformationRequest(
                submission=proposals[n],
                thread=threads[n].id,
                question="Bitte die Kosten.",
                due_at=now + timedelta(days=-1 if n % 3 == 0 else 3),
                status="open",
                asked_by=staff_user,
                asked_at=now - timedelta(days=5),
            )
            for n in range(1, REQUESTS + 1)
        )
    )


async def prepare() -> None:
    """A closed call, 500 proposals with an open thread each, staff and one team's owner."""
    from challenge import db
    from challenge.calls.tables import Call
    from challenge.settings import load_settings
    from challenge.settings import prepare as prepare_settings

    settings = prepare_settings(load_settings())
    now = datetime.now(UTC)
    async with db.connected(settings):
        await db.migrate()
        call = Call(
            slug="gespraeche",
            title="Smart City Challenge 2027",
            summary="Benchmark",
            status="judging",
            opens_at=now - timedelta(days=60),
            closes_at=now - timedelta(days=1),
            budget_cents=100_000_00,
            created_at=now,
        )
        await call.save()
        staff_user, team_user = await _people(now)
        proposals = await _proposals(call.id, team_user, now)
        await _threads(call.id, proposals, team_user, staff_user, now)
        SUBMISSION["id"] = str(proposals[0])


async def _median(client, url: str, runs: int) -> float:
    times = []
    for n in range(WARM + runs):
        started = time.perf_counter()
        response = await client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.text[:500]
        if n >= WARM:
            times.append(elapsed)
    return statistics.median(times)


async def measure(base: str) -> dict[str, float]:
    staff = await login(base, "staff@example.org")
    url = f"/api/v1/submissions/{SUBMISSION['id']}/messages"
    posts = []
    try:
        for n in range(WARM + POSTS):
            started = time.perf_counter()
            response = await staff.post(
                url,
                json={"body": f"Danke, wir melden uns **bis Freitag** (Nachricht {n})."},
                headers={"x-csrftoken": staff.cookies["csrftoken"]},
            )
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 201, response.text
            if n >= WARM:
                posts.append(elapsed)
        start_page = await staff.get("/dashboard")
        assert 'data-panel="messages"' in start_page.text, "no messages panel"
        figures = {
            "post": statistics.median(posts),
            "dashboard": await _median(staff, "/dashboard", PAGES),
            "inbox": await _median(staff, "/staff/messages", PAGES),
            "thread": await _median(staff, f"/submissions/{SUBMISSION['id']}/messages", PAGES),
        }
    finally:
        await staff.aclose()
    return figures


async def main() -> None:
    async with temporary_portal(prepare) as base:
        figures = await measure(base)
    engine = engine_name()
    print(
        f"Post a message, POST /api/v1/submissions/{{id}}/messages ({engine}), median of "
        f"{POSTS}: {figures['post']:.1f} ms   target <= 40 ms"
    )
    print(
        f"Staff start page with {THREADS} open threads and {REQUESTS} open requests, GET "
        f"/dashboard ({engine}), median of {PAGES}: {figures['dashboard']:.1f} ms   target <= 100 ms"
    )
    print(
        f"  the staff's list of conversations, GET /staff/messages ({engine}): "
        f"{figures['inbox']:.1f} ms   target —"
    )
    print(
        f"  a thread's page with {POSTS + WARM} messages (first 20), GET "
        f"/submissions/{{id}}/messages ({engine}): {figures['thread']:.1f} ms   target —"
    )


if __name__ == "__main__":
    asyncio.run(main())
