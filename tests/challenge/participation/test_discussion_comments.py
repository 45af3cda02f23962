"""Comments (issue 21, point 2): Markdown sanitised, length-limited, one level of replies,
display names instead of e-mail addresses, comment_count kept, rate limits."""

from __future__ import annotations

from datetime import datetime, timedelta

from challenge.participation.tables import ProblemComment, ResidentProblem
from challenge.platform import clock
from tests.challenge.participation.test_discussion_supports import make_problem, resident
from tests.conftest import http_client
from tests.support.web import api, make_user, post_form


def next_hour() -> datetime:
    """The start of the next hour: a fresh window of every hourly rate limit."""
    now = clock.now()
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def url(problem) -> str:
    return f"/api/v1/participation/problems/{problem['id']}/comments"


async def comment_count(problem_id) -> int:
    row = (
        await ResidentProblem.select(ResidentProblem.comment_count)
        .where(ResidentProblem.id == problem_id)
        .first()
    )
    return row["comment_count"]


async def test_comment_is_sanitised_and_counted(client):
    problem = await make_problem()
    await resident(client)
    body = "Sehr **wichtig**! <script>alert(1)</script> [Link](javascript:alert(2))"
    answer = await api(client, "POST", url(problem), {"body": body})
    assert answer.status_code == 201, answer.text
    found = answer.json()
    assert "<strong>wichtig</strong>" in found["body_html"]
    assert "<script" not in found["body_html"]
    assert 'href="javascript' not in found["body_html"]
    assert found["own"] is True
    assert found["author_name"] is None
    assert await comment_count(problem["id"]) == 1
    listed = (await api(client, "GET", url(problem))).json()
    assert listed["total"] == 1
    assert listed["items"][0]["id"] == found["id"]


async def test_empty_and_too_long_comments_are_refused(client):
    problem = await make_problem()
    await resident(client)
    empty = await api(client, "POST", url(problem), {"body": "   "})
    assert empty.status_code == 422
    assert empty.json()["code"] == "validation_error"
    assert empty.json()["errors"][0]["field"] == "body"
    long = await api(client, "POST", url(problem), {"body": "x" * 2001})
    assert long.status_code == 422
    assert long.json()["errors"][0]["field"] == "body"
    just = await api(client, "POST", url(problem), {"body": "x" * 2000})
    assert just.status_code == 201
    assert await ProblemComment.count().where(ProblemComment.problem == problem["id"]) == 1
    assert await comment_count(problem["id"]) == 1


async def test_replies_form_one_level_within_the_problem(client):
    problem = await make_problem()
    other = await make_problem()
    await resident(client)
    first = (await api(client, "POST", url(problem), {"body": "Erster"})).json()
    reply = await api(client, "POST", url(problem), {"body": "Antwort", "parent_id": first["id"]})
    assert reply.status_code == 201
    assert reply.json()["parent_id"] == first["id"]
    deeper = await api(
        client, "POST", url(problem), {"body": "Noch eine", "parent_id": reply.json()["id"]}
    )
    assert deeper.json()["parent_id"] == first["id"]  # joins the thread, one level
    foreign = await api(client, "POST", url(other), {"body": "Fremd", "parent_id": first["id"]})
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "parent_id"
    unknown = await api(
        client,
        "POST",
        url(problem),
        {"body": "?", "parent_id": "00000000-0000-4000-8000-000000000000"},
    )
    assert unknown.status_code == 422
    listed = (await api(client, "GET", url(problem))).json()
    assert listed["total"] == 1
    assert [r["body"] for r in listed["items"][0]["replies"]] == ["Antwort", "Noch eine"]
    assert await comment_count(problem["id"]) == 3
    assert await comment_count(other["id"]) == 0


async def test_display_name_is_chosen_with_the_comment_and_no_email_is_shown(client, app):
    problem = await make_problem()
    user = await resident(client, name="Erika Geheim")
    bad = await api(client, "POST", url(problem), {"body": "Hallo", "display_name": "a@b.de"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "display_name"
    assert await ProblemComment.count().where(ProblemComment.problem == problem["id"]) == 0
    answer = await api(
        client, "POST", url(problem), {"body": "Hallo", "display_name": " Erika  aus Gohlis "}
    )
    assert answer.json()["author_name"] == "Erika aus Gohlis"
    async with http_client(app) as visitor:
        public = await visitor.get(url(problem))
    assert "Erika aus Gohlis" in public.text
    for secret in (user["email"], str(user["id"]), "Erika Geheim"):
        assert secret not in public.text


async def test_comments_need_sign_in_and_a_published_problem(client):
    problem = await make_problem()
    anonymous = await api(client, "POST", url(problem), {"body": "Hallo"})
    assert anonymous.status_code == 401
    author = await resident(client)
    pending = await make_problem("pending", author=author["id"])
    assert (await api(client, "POST", url(pending), {"body": "Hallo"})).status_code == 409
    hidden = await make_problem("pending", author=(await make_user())["id"])
    assert (await api(client, "POST", url(hidden), {"body": "Hallo"})).status_code == 404
    assert (await api(client, "GET", url(hidden))).status_code == 404
    assert await ProblemComment.count().where(ProblemComment.problem == pending["id"]) == 0


async def test_comments_are_paged_newest_thread_first(client):
    problem = await make_problem()
    with clock.frozen(next_hour()) as frozen:
        await resident(client)
        for number in range(21):
            frozen.advance(minutes=3)  # past 20 an hour: the next window
            answer = await api(client, "POST", url(problem), {"body": f"Nummer {number}"})
            assert answer.status_code == 201
    first = (await api(client, "GET", url(problem))).json()
    assert (first["total"], first["pages"], len(first["items"])) == (21, 2, 20)
    assert first["items"][0]["body"] == "Nummer 20"
    second = (await api(client, "GET", url(problem) + "?page=2")).json()
    assert [item["body"] for item in second["items"]] == ["Nummer 0"]


async def test_comments_are_rate_limited_per_person(client):
    problem = await make_problem()
    with clock.frozen(next_hour()):
        await resident(client)
        for number in range(20):
            answer = await api(client, "POST", url(problem), {"body": f"Nummer {number}"})
            assert answer.status_code == 201
        refused = await api(client, "POST", url(problem), {"body": "Eine zu viel"})
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert refused.headers["retry-after"]
    assert await ProblemComment.count().where(ProblemComment.problem == problem["id"]) == 20


async def test_page_form_publishes_and_returns_to_the_comment(client):
    problem = await make_problem()
    await resident(client)
    base = f"/mitmachen/{problem['id']}"
    answer = await post_form(
        client, f"{base}/kommentare", {"body": "Gute Idee", "display_name": "Nachbarin"}
    )
    assert answer.status_code == 303
    row = await ProblemComment.select().where(ProblemComment.problem == problem["id"]).first()
    assert answer.headers["location"] == f"{base}?diskussion=kommentiert#kommentar-{row['id']}"
    reply = await post_form(
        client, f"{base}/kommentare", {"body": "Finde ich auch", "parent_id": str(row["id"])}
    )
    assert reply.status_code == 303
    assert await comment_count(problem["id"]) == 2


async def test_page_form_with_errors_keeps_the_text(client):
    problem = await make_problem()
    await resident(client)
    text = "Lang " * 401
    answer = await post_form(client, f"/mitmachen/{problem['id']}/kommentare", {"body": text})
    assert answer.status_code == 422
    assert "Bitte prüfen Sie Ihre Eingabe" in answer.text or "Please check" in answer.text
    assert text.strip() in answer.text
    assert await ProblemComment.count().where(ProblemComment.problem == problem["id"]) == 0
