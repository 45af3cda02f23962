"""Reporting and hiding comments (issue 21, point 2): once per person, anonymous reports limited
per IP, hidden comments invisible to the public and to other residents (API and page) with the
moderators' reason shown, only staff hide, audited."""

from __future__ import annotations

from datetime import timedelta

from challenge.participation.tables import CommentReport, ProblemComment
from challenge.platform import clock
from challenge.platform.audit.tables import AuditEntry
from tests.challenge.participation.test_discussion_comments import comment_count, next_hour, url
from tests.challenge.participation.test_discussion_supports import make_problem, resident
from tests.conftest import http_client
from tests.support.web import api, post_form


async def commented(app, body: str = "Ein ganz geheimer Satz") -> tuple[dict, dict]:
    """A published problem with one comment by a resident (signed in on their own client)."""
    problem = await make_problem()
    async with http_client(app) as client:
        await resident(client)
        answer = await api(client, "POST", url(problem), {"body": body})
    assert answer.status_code == 201
    return problem, answer.json()


async def reports(comment_id) -> tuple[int, int]:
    row = (
        await ProblemComment.select(ProblemComment.report_count)
        .where(ProblemComment.id == comment_id)
        .first()
    )
    rows = await CommentReport.count().where(CommentReport.comment == comment_id)
    return row["report_count"], rows


async def test_a_person_reports_once(app, client):
    _problem, comment = await commented(app)
    await resident(client)
    report = f"/api/v1/comments/{comment['id']}/report"
    first = await api(client, "POST", report, {"reason": "Beleidigend"})
    assert first.status_code == 200, first.text
    assert first.json() == {"reported": True}
    again = await api(client, "POST", report, {"reason": "Immer noch"})
    assert again.status_code == 200
    assert await reports(comment["id"]) == (1, 1)


async def test_anonymous_reports_count_once_per_address_and_are_limited_per_ip(app):
    _problem, comment = await commented(app)
    report = f"/api/v1/comments/{comment['id']}/report"
    with clock.frozen(next_hour()):
        async with http_client(app, ip="10.77.0.1") as visitor:
            answers = [await api(visitor, "POST", report) for _ in range(6)]
        async with http_client(app, ip="10.77.0.2") as elsewhere:
            other = await api(elsewhere, "POST", report, {"reason": "Spam"})
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert answers[-1].json()["code"] == "rate_limited"
    assert other.status_code == 200
    # five reports from one address count once, the other address's once more
    assert await reports(comment["id"]) == (2, 2)
    stored = await CommentReport.select(CommentReport.reporter_ip_hash).where(
        CommentReport.comment == comment["id"]
    )
    assert all(len(row["reporter_ip_hash"]) == 64 for row in stored)
    assert not any("10.77" in row["reporter_ip_hash"] for row in stored)


async def test_report_with_a_too_long_reason_is_refused(app, client):
    _problem, comment = await commented(app)
    answer = await api(
        client, "POST", f"/api/v1/comments/{comment['id']}/report", {"reason": "x" * 501}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "reason"
    assert await reports(comment["id"]) == (0, 0)


async def test_non_staff_cannot_hide(app, client):
    _problem, comment = await commented(app)
    hide = f"/api/v1/comments/{comment['id']}/hide"
    assert (await api(client, "POST", hide, {"reason": "x"})).status_code == 401
    await resident(client)
    answer = await api(client, "POST", hide, {"reason": "Weil ich will"})
    assert answer.status_code == 403
    page = await post_form(
        client, f"/staff/participation/comments/{comment['id']}/hide", {"reason": "x"}
    )
    assert page.status_code == 403
    assert (await client.get("/staff/participation/comments")).status_code == 403
    row = (
        await ProblemComment.select(ProblemComment.hidden_at)
        .where(ProblemComment.id == comment["id"])
        .first()
    )
    assert row["hidden_at"] is None


async def test_hidden_comment_shows_the_reason_only(app, client):
    problem, comment = await commented(app, "Ein ganz geheimer Satz")
    await resident(client, roles=("staff",))
    hide = f"/api/v1/comments/{comment['id']}/hide"
    empty = await api(client, "POST", hide, {"reason": "  "})
    assert empty.status_code == 422
    answer = await api(client, "POST", hide, {"reason": "Beleidigung"})
    assert answer.status_code == 200
    assert answer.json() == {"hidden": True, "hidden_reason": "Beleidigung"}
    assert await comment_count(problem["id"]) == 0
    staff_view = (await api(client, "GET", url(problem))).json()["items"][0]
    assert staff_view["body"] == "Ein ganz geheimer Satz"
    async with http_client(app) as visitor:
        public = await visitor.get(url(problem))
        await resident(visitor)
        resident_view = await visitor.get(url(problem))
    for seen in (public, resident_view):
        item = seen.json()["items"][0]
        assert item["hidden"] is True
        assert item["hidden_reason"] == "Beleidigung"
        assert item["body"] is None and item["body_html"] is None
        assert "geheimer" not in seen.text
    entry = await AuditEntry.select().where(AuditEntry.object_id == comment["id"]).first()
    assert entry["action"] == "problem_comment.hidden"
    shown = await api(client, "POST", f"/api/v1/comments/{comment['id']}/unhide")
    assert shown.json() == {"hidden": False, "hidden_reason": ""}
    assert await comment_count(problem["id"]) == 1
    async with http_client(app) as visitor:
        assert "geheimer" in (await visitor.get(url(problem))).text


async def test_hidden_comment_takes_no_replies(app, client):
    problem, comment = await commented(app)
    await resident(client, roles=("staff",))
    await api(client, "POST", f"/api/v1/comments/{comment['id']}/hide", {"reason": "Spam"})
    answer = await api(client, "POST", url(problem), {"body": "Ja", "parent_id": comment["id"]})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "parent_id"


async def test_staff_page_lists_reported_first_and_hides_with_reason(app, client):
    # later than every other test's comments: these two are the newest on the list
    with clock.frozen(next_hour() + timedelta(days=2)) as frozen:
        await _staff_page_lists_reported_first(app, client, frozen)


async def _staff_page_lists_reported_first(app, client, frozen):
    _problem, loud = await commented(app, "Ein gemeldeter Beitrag")
    frozen.advance(minutes=1)
    _problem, quiet = await commented(app, "Ein ruhiger Beitrag")  # newer
    async with http_client(app) as visitor:
        await api(visitor, "POST", f"/api/v1/comments/{loud['id']}/report", {"reason": "Werbung"})
    await resident(client, roles=("staff",))
    page = await client.get("/staff/participation/comments")
    assert page.status_code == 200
    assert page.text.index("Ein gemeldeter Beitrag") < page.text.index("Ein ruhiger Beitrag")
    assert "Werbung" in page.text
    target = f"/staff/participation/comments/{loud['id']}/hide"
    refused = await post_form(client, target, {"reason": "", "page": "1"})
    assert refused.status_code == 422
    assert f'id="field-reason-{loud["id"]}"' in refused.text
    done = await post_form(client, target, {"reason": "Werbung", "page": "1"})
    assert done.status_code == 303
    assert done.headers["location"].startswith("/staff/participation/comments?page=1&done=hidden")
    listed = await client.get(done.headers["location"])
    assert listed.text.index("Ein ruhiger Beitrag") < listed.text.index("Ein gemeldeter Beitrag")
    shown = await post_form(client, f"/staff/participation/comments/{loud['id']}/unhide", {})
    assert shown.status_code == 303
    assert await reports(loud["id"]) == (0, 1)  # shown again: its report is closed


async def test_twenty_parallel_reports_of_one_person_count_once(app, client):
    import asyncio

    _problem, comment = await commented(app)
    await resident(client)
    report = f"/api/v1/comments/{comment['id']}/report"
    answers = await asyncio.gather(
        *(api(client, "POST", report, {"reason": "x"}) for _ in range(20))
    )
    assert [a.status_code for a in answers] == [200] * 20
    assert await reports(comment["id"]) == (1, 1)


async def test_twenty_parallel_hides_take_one_off_the_count(app, client):
    import asyncio

    problem, comment = await commented(app)
    await resident(client, roles=("staff",))
    hide = f"/api/v1/comments/{comment['id']}/hide"
    answers = await asyncio.gather(
        *(api(client, "POST", hide, {"reason": "Spam"}) for _ in range(20))
    )
    assert [a.status_code for a in answers] == [200] * 20
    assert await comment_count(problem["id"]) == 0
    assert await AuditEntry.count().where(AuditEntry.object_id == comment["id"]) == 1
    renamed = await api(client, "POST", hide, {"reason": "Werbung"})
    assert renamed.json() == {"hidden": True, "hidden_reason": "Werbung"}
    assert await comment_count(problem["id"]) == 0
    assert await AuditEntry.count().where(AuditEntry.object_id == comment["id"]) == 2


async def test_keeping_a_reported_comment_closes_its_reports(app, client):
    with clock.frozen(next_hour() + timedelta(days=5)):  # the newest: on the list's first page
        await _keeping_closes_reports(app, client)


async def _keeping_closes_reports(app, client):
    _problem, comment = await commented(app, "Ein umstrittener Beitrag")
    await resident(client)
    await api(client, "POST", f"/api/v1/comments/{comment['id']}/report", {"reason": "Falsch"})
    keep = f"/api/v1/comments/{comment['id']}/keep"
    assert (await api(client, "POST", keep)).status_code == 403
    async with http_client(app) as moderator:
        await resident(moderator, roles=("staff",))
        done = await post_form(
            moderator, f"/staff/participation/comments/{comment['id']}/keep", {"page": "1"}
        )
        assert done.status_code == 303
        listed = await moderator.get(done.headers["location"])
    assert "Seine Meldungen sind geschlossen." in listed.text
    assert "Falsch" in listed.text  # the reason stays listed
    row = await ProblemComment.select().where(ProblemComment.id == comment["id"]).first()
    assert row["report_count"] == 0 and row["hidden_at"] is None
    assert await CommentReport.count().where(CommentReport.comment == comment["id"]) == 1
    again = await api(client, "POST", f"/api/v1/comments/{comment['id']}/report")
    assert again.status_code == 200
    assert await reports(comment["id"]) == (0, 1)  # the same person is not counted twice
    entry = await AuditEntry.select().where(AuditEntry.object_id == comment["id"]).first()
    assert entry["action"] == "problem_comment.kept"
