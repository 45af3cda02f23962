"""Supports (issue 21, point 2): one per account and problem, also under parallel clicks;
withdrawing; only published problems; the page's support and withdraw forms."""

from __future__ import annotations

import asyncio

from challenge.participation.tables import ProblemSupport, ResidentProblem
from challenge.platform import clock
from tests.conftest import http_client
from tests.support.web import api, login, make_user, post_form


async def make_problem(status: str = "published", author=None, title: str = "") -> dict:
    """A resident's problem straight in the database."""
    now = clock.now()
    problem = ResidentProblem(
        author=author,
        title=title or "Zu wenige Fahrradbügel am Bahnhof",
        description="Am Bahnhof stehen **zu wenige** Bügel.",
        description_html="<p>Am Bahnhof stehen <strong>zu wenige</strong> Bügel.</p>",
        district="mitte",
        topic="mobility",
        status=status,
        created_at=now,
        published_at=now if status == "published" else None,
    )
    await problem.save()
    return {"id": problem.id, "status": status, "author": author}


async def resident(client, **kwargs) -> dict:
    """A verified resident signed in on this client."""
    user = await make_user(**kwargs)
    await login(client, user["email"])
    return user


async def counts(problem_id) -> tuple[int, int]:
    """(support_count on the problem, support rows)."""
    row = (
        await ResidentProblem.select(ResidentProblem.support_count)
        .where(ResidentProblem.id == problem_id)
        .first()
    )
    rows = await ProblemSupport.count().where(ProblemSupport.problem == problem_id)
    return row["support_count"], rows


async def test_support_once_and_withdraw(client):
    problem = await make_problem()
    await resident(client)
    url = f"/api/v1/participation/problems/{problem['id']}/support"
    first = await api(client, "POST", url)
    assert first.status_code == 200, first.text
    assert first.json() == {"supported": True, "supports": 1}
    again = await api(client, "POST", url)
    assert again.json() == {"supported": True, "supports": 1}
    assert await counts(problem["id"]) == (1, 1)
    withdrawn = await api(client, "DELETE", url)
    assert withdrawn.status_code == 200
    assert withdrawn.json() == {"supported": False, "supports": 0}
    assert (await api(client, "DELETE", url)).json() == {"supported": False, "supports": 0}
    assert await counts(problem["id"]) == (0, 0)


async def test_twenty_parallel_supports_count_once(app):
    problem = await make_problem()
    user = await make_user()
    async with http_client(app) as client:
        await login(client, user["email"])
        url = f"/api/v1/participation/problems/{problem['id']}/support"
        answers = await asyncio.gather(*(api(client, "POST", url) for _ in range(20)))
    assert [a.status_code for a in answers] == [200] * 20
    assert {a.json()["supports"] for a in answers} == {1}
    assert await counts(problem["id"]) == (1, 1)


async def test_parallel_supports_of_twenty_people_all_count(app):
    problem = await make_problem()
    url = f"/api/v1/participation/problems/{problem['id']}/support"

    async def one() -> int:
        async with http_client(app) as client:
            await resident(client)
            return (await api(client, "POST", url)).status_code

    assert await asyncio.gather(*(one() for _ in range(20))) == [200] * 20
    assert await counts(problem["id"]) == (20, 20)


async def test_support_needs_sign_in(client):
    problem = await make_problem()
    answer = await api(client, "POST", f"/api/v1/participation/problems/{problem['id']}/support")
    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"
    assert await counts(problem["id"]) == (0, 0)


async def test_unpublished_problem_is_refused(client):
    author = await resident(client)
    other = await make_user()
    pending = await make_problem("pending", author=author["id"])
    declined = await make_problem("declined", author=other["id"])
    own = await api(client, "POST", f"/api/v1/participation/problems/{pending['id']}/support")
    assert own.status_code == 409
    assert own.json()["code"] == "problem_not_published"
    foreign = await api(client, "POST", f"/api/v1/participation/problems/{declined['id']}/support")
    assert foreign.status_code == 404
    assert await counts(pending["id"]) == (0, 0)
    assert await counts(declined["id"]) == (0, 0)


async def test_staff_see_unpublished_problems_refused_with_a_code(client):
    problem = await make_problem("pending")
    await resident(client, roles=("staff",))
    answer = await api(client, "POST", f"/api/v1/participation/problems/{problem['id']}/support")
    assert answer.status_code == 409
    assert answer.json()["code"] == "problem_not_published"


async def test_unknown_problem_is_404(client):
    await resident(client)
    url = "/api/v1/participation/problems/00000000-0000-4000-8000-000000000000/support"
    assert (await api(client, "POST", url)).status_code == 404


async def test_page_forms_support_and_withdraw(client):
    problem = await make_problem()
    await resident(client)
    base = f"/mitmachen/{problem['id']}"
    answer = await post_form(client, f"{base}/unterstuetzen", {})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{base}?diskussion=unterstuetzt#unterstuetzen"
    assert await counts(problem["id"]) == (1, 1)
    answer = await post_form(client, f"{base}/unterstuetzen/zurueckziehen", {})
    assert answer.headers["location"] == f"{base}?diskussion=zurueckgezogen#unterstuetzen"
    assert await counts(problem["id"]) == (0, 0)


async def test_page_form_without_sign_in_leads_to_login_and_back(client):
    problem = await make_problem()
    answer = await post_form(client, f"/mitmachen/{problem['id']}/unterstuetzen", {})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login?next=/mitmachen/{problem['id']}"
    assert await counts(problem["id"]) == (0, 0)


async def test_page_form_without_csrf_token_changes_nothing(client):
    problem = await make_problem()
    await resident(client)
    answer = await client.post(f"/mitmachen/{problem['id']}/unterstuetzen", data={})
    assert answer.status_code == 403
    assert await counts(problem["id"]) == (0, 0)
