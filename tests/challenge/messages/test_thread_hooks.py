"""What threads add elsewhere: the unit's list links to each proposal's thread (the batched hook
answers as the per-row one for every viewer), the development workspace's thread, and a person's
share in the privacy export and erasure (their own messages blanked, the others' and the
proposal's record kept)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from challenge.calls.tables import Call
from challenge.messages import hooks, threads
from challenge.messages.domain import domain
from challenge.messages.tables import InformationRequest, Message, ThreadRead
from challenge.organisations.tables import Membership
from challenge.platform import privacy
from challenge.platform.accounts.sessions import cookie_name, create_session
from challenge.platform.documents.tables import Document
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from tests.challenge.messages.thread_world import ROLES, build, post_form
from tests.conftest import http_client
from tests.support.files import pdf
from tests.support.web import api, make_user


@pytest.fixture(scope="module")
async def world(app):
    built = await build(app)
    yield built
    await built.close()


async def test_the_batched_links_answer_as_the_per_row_links(world):
    await world.proposal("team_b", status="draft")
    rows = await Submission.select(
        Submission.id,
        Submission.organisation,
        Submission.call,
        Submission.challenge,
        Submission.status,
    ).where(Submission.call == world.objects["call_id"])
    offered = {}
    for role in ROLES:
        user = world.user(role)
        batched = await hooks.submissions_links(user, rows)
        one_by_one = {row["id"]: await hooks.submission_links(user, row) for row in rows}
        assert batched == one_by_one, role
        offered[role] = sum(bool(links) for links in batched.values())
    submitted = sum(row["status"] == "submitted" for row in rows)
    assert offered["unit"] == submitted  # the unit of challenge a, after the deadline
    assert {role for role, n in offered.items() if n} == {"unit"}  # not unit_juror, not staff
    page = await world.clients["unit"].get(
        f"/unit/challenges/{world.objects['challenge_a']}/proposals"
    )
    assert f"/submissions/{world.objects['submission']}/messages" in page.text


async def test_the_development_workspace_has_its_thread(world):
    submission = await world.proposal(title="Entwicklung")
    now = datetime.now(UTC)
    await Call.update({Call.results_published_at: now - timedelta(days=1)}).where(
        Call.id == world.objects["call_id"]
    )
    await Decision(
        call=world.objects["call_id"],
        submission=submission,
        outcome="development",
        award_cents=1_000_00,
        rationale="Gut",
        created_at=now,
    ).save()
    url = f"/development/{submission}/messages"
    sent = await post_form(world.clients["team_a"], url, "Termin am Montag?")
    assert sent.status_code == 303, sent.text
    for role, status in (
        ("unit", 200),
        ("staff", 200),
        ("team_a2", 200),
        ("juror", 404),
        ("team_b", 404),
        ("unit_juror", 404),
    ):
        assert (await world.clients[role].get(url)).status_code == status, role
    listed = (
        await world.clients["unit"].get(f"/api/v1/submissions/{submission}/development/messages")
    ).json()
    assert [m["body"] for m in listed["items"]] == ["Termin am Montag?"]
    # the workspace links to its thread for whom thread_access opens it: a unit member on the
    # call's jury sees the workspace, but no link that would lead to a 404
    for role, linked in (
        ("team_a", True),
        ("unit", True),
        ("staff", True),
        ("unit_juror", False),
    ):
        workspace = await world.clients[role].get(f"/development/{submission}")
        assert workspace.status_code == 200, role
        assert (url in workspace.text) is linked, role
    # the proposal's own thread is another one
    assert await threads.thread_of("submission", submission) is None
    await Call.update({Call.results_published_at: None}).where(Call.id == world.objects["call_id"])


async def test_export_and_erasure_of_a_persons_messages(app, world):
    person = await make_user(name=f"Lösch Mich {uuid.uuid4().hex[:4]}")
    submission = await world.proposal()
    organisation = (
        await Submission.select(Submission.organisation).where(Submission.id == submission).first()
    )["organisation"]
    await Membership(
        organisation=organisation, user=person["id"], role="member", created_at=datetime.now(UTC)
    ).save()
    client = http_client(app)
    await client.__aenter__()
    client.cookies.set(
        cookie_name(app.state.settings.https), await create_session(person["id"], max_days=1)
    )
    url = f"/submissions/{submission}/messages"
    await api(world.clients["staff"], "POST", f"/api/v1{url}", {"body": "Frage der Stadt"})
    assert (
        await post_form(client, url, "Meine private Nachricht", ("privat.pdf", pdf("P")))
    ).status_code == 303
    asked = await api(
        world.clients["staff"],
        "POST",
        f"/api/v1/submissions/{submission}/requests",
        {"question": "Zeitplan?", "due_at": (datetime.now(UTC) + timedelta(days=2)).isoformat()},
    )
    answered = await api(
        client, "POST", f"/api/v1/requests/{asked.json()['id']}/answer", {"body": "Im Mai."}
    )
    assert answered.status_code == 200, answered.text
    exported = await domain().privacy_export(person["id"])
    assert {m["body"] for m in exported["thread_messages"]} == {
        "Meine private Nachricht",
        "Im Mai.",
    }
    assert exported["information_requests"][0]["answer"] == "Im Mai."
    assert exported["thread_reads"]
    await client.__aexit__(None, None, None)

    report = await privacy.erase(app.state.storage, person["email"])
    assert report["removed"]["thread_messages_blanked"] == 1
    assert report["removed"]["thread_message_files"] == 1
    rows = await Message.select(Message.body, Message.author, Message.kind).where(
        Message.thread == (await threads.thread_of("submission", submission))["id"]
    )
    bodies = {row["body"]: row for row in rows}
    assert "Meine private Nachricht" not in bodies and "" in bodies  # blanked, the message stays
    assert bodies["Frage der Stadt"]["author"] == world.users["staff"]["id"]  # the others' kept
    assert bodies["Im Mai."]["author"] is None  # the answer is the proposal's record
    request = (
        await InformationRequest.select().where(InformationRequest.id == asked.json()["id"]).first()
    )
    assert request["answer"] == "Im Mai." and request["answered_by"] is None
    assert await ThreadRead.count().where(ThreadRead.user == person["id"]) == 0
    assert await Document.count().where(Document.filename == "privat.pdf") == 0
    page = (await world.clients["team_a"].get(url)).text
    assert "Diese Nachricht wurde entfernt." in page
