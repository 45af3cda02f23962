"""Threads (issue 20, point 1): who reads and writes which thread (API and pages), Markdown made
safe, the length limit's code, files through the document pipeline, unread marks, the newest
first list with its pages and HTMX refresh, parallel first posts making one thread, the audit."""

from __future__ import annotations

import asyncio

import pytest

from challenge.messages import threads
from challenge.messages.tables import Message, Thread
from challenge.platform.audit.tables import AuditEntry
from challenge.platform.documents.tables import Document
from tests.challenge.messages.thread_world import MEMBER_NAME, ROLES, build, post_form
from tests.support.files import pdf
from tests.support.web import api

# Who reads a proposal's thread: its team, staff (admins too; a staff member on the jury as
# staff), the owning unit once the deadline has passed — not the other team, another unit, the
# juror, the unit member on the jury, finance or a partner.
PROPOSAL_READERS = {"team_a", "team_a2", "staff", "admin", "staff_juror", "unit"}
PARTNERSHIP_READERS = {"partner", "staff", "admin", "staff_juror", "finance"}


@pytest.fixture(scope="module")
async def world(app):
    built = await build(app)
    yield built
    await built.close()


async def test_who_reads_and_writes_a_proposals_thread(world):
    submission = world.objects["submission"]
    failures = []
    for role in ROLES:
        client = world.clients[role]
        expected = role in PROPOSAL_READERS
        listed = await client.get(f"/api/v1/submissions/{submission}/messages")
        written = await api(
            client, "POST", f"/api/v1/submissions/{submission}/messages", {"body": f"Von {role}"}
        )
        page = await client.get(f"/submissions/{submission}/messages")
        form = await post_form(client, f"/submissions/{submission}/messages", f"Seite {role}")
        got = (listed.status_code, written.status_code, page.status_code, form.status_code)
        if got != ((200, 201, 200, 303) if expected else (404, 404, 404, 404)):
            failures.append(f"{role}: {got}")
    assert not failures, failures
    bodies = {
        m["body"]
        for m in (
            await world.clients["staff"].get(f"/api/v1/submissions/{submission}/messages?page=1")
        ).json()["items"]
    }
    assert "Von juror" not in bodies and "Von team_b" not in bodies


async def test_who_reads_and_writes_a_partnerships_thread(world):
    partnership = world.objects["partnership"]
    failures = []
    for role in ROLES:
        client = world.clients[role]
        expected = role in PARTNERSHIP_READERS
        listed = await client.get(f"/api/v1/partnerships/{partnership}/messages")
        written = await api(
            client, "POST", f"/api/v1/partnerships/{partnership}/messages", {"body": "Hallo"}
        )
        page = await client.get(f"/partnerships/{partnership}/messages")
        got = (listed.status_code, written.status_code, page.status_code)
        if got != ((200, 201, 200) if expected else (404, 404, 404)):
            failures.append(f"{role}: {got}")
    assert not failures, failures
    sides = {
        m["side"]
        for m in (
            await world.clients["finance"].get(f"/api/v1/partnerships/{partnership}/messages")
        ).json()["items"]
    }
    assert sides == {"partner", "staff"}


async def test_the_unit_of_a_blind_call_reads_the_team_without_names(world):
    submission = await world.proposal()
    await api(
        world.clients["team_a2"],
        "POST",
        f"/api/v1/submissions/{submission}/messages",
        {"body": "Wir liefern nach."},
    )
    unit = (await world.clients["unit"].get(f"/api/v1/submissions/{submission}/messages")).json()
    staff = (await world.clients["staff"].get(f"/api/v1/submissions/{submission}/messages")).json()
    assert [m["author"] for m in unit["items"]] == [None]
    assert [m["author"] for m in staff["items"]] == [MEMBER_NAME]
    page = (await world.clients["unit"].get(f"/submissions/{submission}/messages")).text
    assert "Wir liefern nach." in page and MEMBER_NAME not in page
    assert "Geheimteam" not in page  # the team's name is not the thread's title either


async def test_markdown_is_rendered_and_made_safe(world):
    body = "**Wichtig**: <script>alert(1)</script> [Link](javascript:alert(2)) [ok](https://example.org)"
    answer = await api(
        world.clients["staff"],
        "POST",
        f"/api/v1/submissions/{world.objects['submission']}/messages",
        {"body": body},
    )
    assert answer.status_code == 201, answer.text
    html = answer.json()["body_html"]
    assert "<strong>Wichtig</strong>" in html and 'href="https://example.org"' in html
    assert "<script" not in html and 'href="javascript' not in html  # both stay text
    stored = (
        await Message.select(Message.body, Message.body_html)
        .where(Message.id == answer.json()["id"])
        .first()
    )
    assert stored == {"body": body, "body_html": html}


async def test_bad_bodies_answer_stable_codes(world):
    url = f"/api/v1/submissions/{world.objects['submission']}/messages"
    staff = world.clients["staff"]
    empty = await api(staff, "POST", url, {"body": "  \n "})
    assert empty.status_code == 422 and empty.json()["code"] == "validation_error"
    assert empty.json()["errors"][0]["field"] == "body"
    long = await api(staff, "POST", url, {"body": "x" * (threads.MAX_BODY + 1)})
    assert long.status_code == 422
    assert long.json()["code"] == "message_too_long"
    assert long.json()["max_length"] == threads.MAX_BODY
    assert long.headers["content-type"].startswith("application/problem+json")
    missing = await api(staff, "POST", url, {"text": "falsch"})
    assert missing.status_code == 422 and missing.json()["code"] == "validation_error"
    page = await post_form(staff, url.removeprefix("/api/v1"), "y" * (threads.MAX_BODY + 1))
    assert page.status_code == 422 and "20.000" in page.text  # the page says the limit


async def test_unread_marks_per_person(world):
    submission = await world.proposal()
    url = f"/api/v1/submissions/{submission}/messages"
    staff, team, member = (world.clients[r] for r in ("staff", "team_a", "team_a2"))
    for n in range(2):
        assert (await api(staff, "POST", url, {"body": f"Frage {n}"})).status_code == 201
    team_id, member_id = world.users["team_a"]["id"], world.users["team_a2"]["id"]
    assert await threads.unread_count(team_id, "submission", submission) == 2
    overview = (await team.get(f"/submissions/{submission}")).text
    assert f"/submissions/{submission}/messages" in overview and "Ungelesen: 2" in overview
    first = (await team.get(url)).json()
    assert first["unread"] == 2 and [m["body"] for m in first["items"]] == ["Frage 1", "Frage 0"]
    assert (await team.get(url)).json()["unread"] == 0
    assert await threads.unread_count(team_id, "submission", submission) == 0
    assert await threads.unread_count(member_id, "submission", submission) == 2  # per person
    assert (await api(team, "POST", url, {"body": "Antwort"})).status_code == 201
    assert await threads.unread_count(world.users["staff"]["id"], "submission", submission) == 1
    assert await threads.unread_count(team_id, "submission", submission) == 0  # one's own
    inbox = (await world.clients["admin"].get("/staff/messages?unread=true")).text
    assert f"/submissions/{submission}/messages" in inbox


async def test_newest_first_in_pages_and_the_list_refreshes_alone(world):
    submission = await world.proposal()
    url = f"/api/v1/submissions/{submission}/messages"
    for n in range(threads.PER_PAGE + 5):
        await api(world.clients["staff"], "POST", url, {"body": f"Nachricht {n:02d}"})
    team = world.clients["team_a"]
    first = (await team.get(url)).json()
    assert first["total"] == 25 and len(first["items"]) == 20
    assert first["items"][0]["body"] == "Nachricht 24"
    second = (await team.get(f"{url}?page=2")).json()
    assert [m["body"] for m in second["items"]] == [f"Nachricht {n:02d}" for n in range(4, -1, -1)]
    assert (await team.get(f"{url}?page=9")).json()["page"] == 2  # past the end: the last page
    page = await team.get(f"/submissions/{submission}/messages")
    assert 'hx-get="/submissions/' in page.text and "<html" in page.text
    fragment = await team.get(f"/submissions/{submission}/messages", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'id="message-list"' in fragment.text and "Nachricht 24" in fragment.text


async def test_an_empty_thread_says_so(world):
    submission = await world.proposal()
    page = await world.clients["team_a"].get(f"/submissions/{submission}/messages")
    assert page.status_code == 200 and "Noch keine Nachrichten" in page.text
    assert (await world.clients["team_a"].get(f"/api/v1/submissions/{submission}/messages")).json()[
        "total"
    ] == 0
    assert await threads.thread_of("submission", submission) is None  # made by the first post


async def test_a_file_goes_through_the_pipeline_and_only_to_readers(world):
    submission = await world.proposal()
    page = f"/submissions/{submission}/messages"
    sent = await post_form(
        world.clients["team_a"], page, "Mit Kostenplan", ("kosten-geheimteam.pdf", pdf("K"))
    )
    assert sent.status_code == 303, sent.text
    [message] = (await world.clients["staff"].get(f"/api/v1{page}")).json()["items"]
    [file] = message["files"]
    assert file["filename"] == "kosten-geheimteam.pdf"
    download = f"/api/v1/documents/{file['id']}"
    assert (await world.clients["staff"].get(download)).status_code in (200, 302, 307)
    for role in ("team_b", "juror", "unit_juror", "finance", "partner", "unit_other"):
        assert (await world.clients[role].get(download)).status_code == 404, role
    unit = await world.clients["unit"].get(download)  # a blind call: a neutral name, no metadata
    assert unit.status_code == 200 and "Anlage-1.pdf" in unit.headers["content-disposition"]
    assert "kosten-geheimteam" not in (await world.clients["unit"].get(page)).text
    refused = await post_form(world.clients["team_a"], page, "Virus", ("x.exe", b"MZ\x90\x00" * 50))
    assert refused.status_code in (415, 422)
    assert (await world.clients["staff"].get(f"/api/v1{page}")).json()["total"] == 1
    stored = await Document.count().where(
        (Document.owner_type == "message") & (Document.filename == "x.exe")
    )
    assert stored == 0


async def test_parallel_first_posts_make_one_thread(world):
    """20 first posts at once: the unique index and insert-on-conflict leave one thread."""
    submission = await world.proposal()
    url = f"/api/v1/submissions/{submission}/messages"
    clients = [world.clients[r] for r in ("staff", "team_a", "team_a2", "admin")]
    answers = await asyncio.gather(
        *(api(clients[n % 4], "POST", url, {"body": f"Gleichzeitig {n}"}) for n in range(20))
    )
    assert [a.status_code for a in answers] == [201] * 20, [
        a.text for a in answers if a.status_code != 201
    ]
    rows = await Thread.select().where(
        (Thread.subject_type == "submission") & (Thread.subject_id == submission)
    )
    assert len(rows) == 1 and rows[0]["message_count"] == 20
    assert await Message.count().where(Message.thread == rows[0]["id"]) == 20


async def test_every_post_is_audited(world):
    submission = await world.proposal()
    sent = await api(
        world.clients["unit"],
        "POST",
        f"/api/v1/submissions/{submission}/messages",
        {"body": "Fachliche Rückfrage"},
    )
    thread = await threads.thread_of("submission", submission)
    entry = (
        await AuditEntry.select()
        .where(
            (AuditEntry.action == "message.posted") & (AuditEntry.object_id == str(thread["id"]))
        )
        .first()
    )
    assert entry is not None and sent.json()["id"] in entry["payload"]
    assert "Fachliche" not in entry["payload"]  # the text stays in the thread, not in the log
