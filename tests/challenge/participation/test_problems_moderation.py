"""Moderation of residents' problems (issue 21, point 1): staff publish, decline with a reason the
author reads, or merge a duplicate (its supports move, both counts right); residents may not;
each decision is audited and mailed; one problem decided by many at once changes once."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest

from challenge.participation.tables import ProblemSupport, ResidentProblem
from challenge.platform import clock
from challenge.platform.audit.tables import AuditEntry
from challenge.platform.mail.tables import OutboxMail
from tests.challenge.participation.test_problems import propose, resident, staff, stored
from tests.conftest import http_client
from tests.support.web import api, login, make_user, post_form


def moderate(client, problem_id, **data):
    return api(client, "POST", f"/api/v1/participation/problems/{problem_id}/moderate", data)


async def mails_to(email: str, template: str) -> list[dict]:
    return await OutboxMail.select(OutboxMail.subject, OutboxMail.body_text).where(
        (OutboxMail.to_address == email) & (OutboxMail.template == template)
    )


async def support(problem_id, user_id) -> None:
    await ProblemSupport(
        id=uuid4(), problem=problem_id, user=user_id, created_at=clock.now()
    ).save()


async def test_staff_publish_a_problem_the_author_gets_a_mail_and_it_is_public(app):
    async with http_client(app) as author, http_client(app) as team, http_client(app) as visitor:
        user = await resident(author)
        problem = (await propose(author)).json()
        await staff(team)
        response = await moderate(team, problem["id"], decision="publish")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "published"
        assert response.json()["published_at"]
        assert (await visitor.get(f"/mitmachen/{problem['id']}")).status_code == 200
        listed = await visitor.get("/api/v1/participation/problems", params={"sort": "new"})
        assert problem["id"] in [item["id"] for item in listed.json()["items"]]
        [mail] = await mails_to(user["email"], "problem_published")
        assert problem["title"] in mail["subject"]
        assert f"/mitmachen/{problem['id']}" in mail["body_text"]
        entries = await AuditEntry.select(AuditEntry.action).where(
            AuditEntry.object_id == problem["id"]
        )
        assert [e["action"] for e in entries] == ["problem.proposed", "problem.published"]
        again = await moderate(team, problem["id"], decision="publish")
        assert again.status_code == 409 and again.json()["code"] == "already_moderated"


async def test_declining_needs_a_reason_that_the_author_reads(app):
    async with http_client(app) as author, http_client(app) as team, http_client(app) as visitor:
        user = await resident(author)
        problem = (await propose(author)).json()
        await staff(team)
        refused = await moderate(team, problem["id"], decision="decline", reason="  ")
        assert refused.status_code == 422
        assert [e["field"] for e in refused.json()["errors"]] == ["reason"]
        assert (await team.get(f"/api/v1/participation/problems/{problem['id']}")).json()[
            "status"
        ] == "pending"
        reason = "Das betrifft nur ein einzelnes Grundstück."
        declined = await moderate(team, problem["id"], decision="decline", reason=reason)
        assert declined.json()["status"] == "declined"
        own = await author.get(f"/api/v1/participation/problems/{problem['id']}")
        assert own.json()["reason"] == reason
        assert reason in (await author.get("/mitmachen/meine")).text
        assert reason in (await author.get(f"/mitmachen/{problem['id']}")).text
        assert (await visitor.get(f"/mitmachen/{problem['id']}")).status_code == 404
        [mail] = await mails_to(user["email"], "problem_declined")
        assert reason in mail["body_text"]
        unknown = await moderate(team, problem["id"], decision="archive")
        assert unknown.status_code == 422


async def test_merging_moves_the_supports_and_points_to_the_target(app, client):
    await staff(client)
    people = [await make_user() for _ in range(3)]
    author = await make_user()
    target = await stored(author["id"], title="Original")
    duplicate = await stored(author["id"], title="Duplikat")
    for person in people[:2]:
        await support(duplicate, person["id"])
    for person in people[1:]:
        await support(target, person["id"])
    await ResidentProblem.update({ResidentProblem.support_count: 2}).where(
        ResidentProblem.id.is_in([target, duplicate])
    )
    pending = await stored(author["id"], status="pending", title="Noch offen")
    wrong = await moderate(client, duplicate, decision="merge", into=str(pending))
    assert wrong.status_code == 422 and wrong.json()["code"] == "merge_target_invalid"
    missing = await moderate(client, duplicate, decision="merge")
    assert missing.status_code == 422
    merged = await moderate(
        client, duplicate, decision="merge", into=str(target), reason="Gleiches Thema"
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["status"] == "merged" and merged.json()["merged_into"] == str(target)
    rows = {
        row["id"]: row["support_count"]
        for row in await ResidentProblem.select(
            ResidentProblem.id, ResidentProblem.support_count
        ).where(ResidentProblem.id.is_in([target, duplicate]))
    }
    assert rows == {target: 3, duplicate: 0}
    assert await ProblemSupport.count().where(ProblemSupport.problem == target) == 3
    page = await client.get(f"/mitmachen/{duplicate}")
    assert f'href="/mitmachen/{target}"' in page.text
    async with http_client(app) as own:
        await login(own, author["email"])
        mine = (await own.get("/mitmachen/meine")).text
        assert "Gleiches Thema" in mine and f'href="/mitmachen/{target}"' in mine


async def test_residents_and_visitors_may_not_moderate(app):
    async with http_client(app) as author, http_client(app) as visitor:
        await resident(author)
        problem = (await propose(author)).json()
        assert (await moderate(author, problem["id"], decision="publish")).status_code == 403
        assert (await moderate(visitor, problem["id"], decision="publish")).status_code == 401
        assert (await author.get("/staff/participation")).status_code == 403
        sent = await post_form(
            author, f"/staff/participation/{problem['id']}", {"decision": "publish"}
        )
        assert sent.status_code == 403
        unknown = await moderate(author, uuid4(), decision="publish")
        assert unknown.status_code == 403
        row = (
            await ResidentProblem.select(ResidentProblem.status)
            .where(ResidentProblem.id == problem["id"])
            .first()
        )
        assert row["status"] == "pending"


async def test_an_unknown_problem_is_404_for_staff(client):
    await staff(client)
    assert (await moderate(client, uuid4(), decision="publish")).status_code == 404


@pytest.mark.postgres_only
async def test_twenty_moderators_publishing_one_problem_publish_it_once(app):
    async with http_client(app) as author:
        user = await resident(author)
        problem = (await propose(author)).json()
    clients = [http_client(app) for _ in range(20)]
    try:
        for client in clients:
            await staff(client)
        answers = await asyncio.gather(
            *(moderate(client, problem["id"], decision="publish") for client in clients)
        )
    finally:
        for client in clients:
            await client.aclose()
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [200] + [409] * 19
    assert len(await mails_to(user["email"], "problem_published")) == 1
    assert (
        await AuditEntry.count().where(
            (AuditEntry.object_id == problem["id"]) & (AuditEntry.action == "problem.published")
        )
        == 1
    )
