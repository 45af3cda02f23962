"""Submissions: every transition and every refusal, with nothing changed on a refusal."""

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest

from challenge.platform import clock
from challenge.platform.audit.tables import AuditEntry
from challenge.submissions.tables import Submission, SubmissionVersion
from tests.conftest import http_client
from tests.support.factories import QUESTIONS, make_call, make_team
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login, make_user, spooled_mails, text_of

COMPLETE = {
    "title": "Schattenplaner",
    "summary": "Wir planen Schatten.",
    "category": "Hitze",
    "answers": {"problem": "Hitzeinseln im Osten", "licence": "EUPL-1.2", "staff": 4},
}


@pytest.fixture
async def team_client(client):
    user = await make_user()
    await login(client, user["email"])
    client.team = await make_team(user["id"], name="Team Schatten")
    client.user = user
    return client


async def open_call(**overrides):
    now = datetime.now(UTC)
    values = {
        "categories": ["Hitze", "Wasser"],
        "questions": QUESTIONS,
        "document_rules": {
            "max_files": 2,
            "max_bytes": 1024 * 1024,
            "allowed_types": ["application/pdf"],
        },
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=5),
        **overrides,
    }
    return await make_call(**values)


async def draft(client, call, **fields):
    response = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/submissions",
        {"organisation_id": str(client.team["id"]), **fields},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_draft_save_attach_submit_edit_resubmit_withdraw(team_client, settings, deliver_mail):
    call = await open_call()
    sub = await draft(team_client, call, title="Erster Entwurf")
    assert sub["status"] == "draft" and sub["version"] == 1 and sub["reference"] is None
    saved = await api(
        team_client, "PATCH", f"/api/v1/submissions/{sub['id']}", {"version": 1, **COMPLETE}
    )
    assert saved.status_code == 200 and saved.json()["version"] == 2
    body, content_type = multipart("Konzept.pdf", pdf("Konzept"))
    attached = await team_client.post(
        f"/api/v1/submissions/{sub['id']}/documents",
        content=body,
        headers={"content-type": content_type, "x-csrftoken": await csrf(team_client)},
    )
    assert attached.status_code == 201, attached.text
    submitted = await api(
        team_client,
        "POST",
        f"/api/v1/submissions/{sub['id']}/submit",
        {"consent_publication": True},
    )
    assert submitted.status_code == 200, submitted.text
    result = submitted.json()
    assert result["status"] == "submitted"
    assert re.fullmatch(rf"SCC-{datetime.now(UTC).year}-\d{{4}}", result["reference"])
    receipt = await team_client.get(f"/api/v1/submissions/{sub['id']}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    version = (
        await SubmissionVersion.select().where(SubmissionVersion.submission == sub["id"]).first()
    )
    import io

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.content)).pages)
    assert result["reference"] in text and version["sha256"][:20] in text.replace("\n", "")
    await deliver_mail()
    mail = spooled_mails(settings.mail_dir, team_client.user["email"])[-1]
    # the mail names the reference; the checksum is the receipt's (no hash in words to people)
    assert result["reference"] in mail["Subject"] and version["sha256"] not in text_of(mail)

    # edit after submitting and submit again: same reference, a second version
    edited = await api(
        team_client,
        "PATCH",
        f"/api/v1/submissions/{sub['id']}",
        {"version": result["version"], "title": "Schattenplaner 2"},
    )
    again = await api(team_client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
    assert edited.status_code == 200 and again.json()["reference"] == result["reference"]
    assert await SubmissionVersion.count().where(SubmissionVersion.submission == sub["id"]) == 2

    withdrawn = await api(team_client, "POST", f"/api/v1/submissions/{sub['id']}/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"
    refused = await api(team_client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
    assert refused.status_code == 409 and refused.json()["code"] == "withdrawn"
    actions = [
        r["action"]
        for r in await AuditEntry.select(AuditEntry.action)
        .where(AuditEntry.object_id == sub["id"])
        .order_by(AuditEntry.id)
    ]
    assert actions == [
        "submission.created",
        "submission.submitted",
        "submission.submitted",
        "submission.withdrawn",
    ]


async def test_stale_version_is_409_and_nothing_changes(team_client):
    call = await open_call()
    sub = await draft(team_client, call, title="Original")
    first = await api(
        team_client, "PATCH", f"/api/v1/submissions/{sub['id']}", {"version": 1, "title": "Tab A"}
    )
    assert first.status_code == 200
    stale = await api(
        team_client, "PATCH", f"/api/v1/submissions/{sub['id']}", {"version": 1, "title": "Tab B"}
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "version_conflict"
    assert body["current"]["title"] == "Tab A" and body["current"]["version"] == 2
    row = (
        await Submission.select(Submission.title, Submission.version)
        .where(Submission.id == sub["id"])
        .first()
    )
    assert row == {"title": "Tab A", "version": 2}


async def test_two_tabs_saving_at_once_never_lose_a_write_silently(team_client):
    call = await open_call()
    sub = await draft(team_client, call)
    results = await asyncio.gather(
        *(
            api(
                team_client,
                "PATCH",
                f"/api/v1/submissions/{sub['id']}",
                {"version": 1, "title": f"Tab {n}"},
            )
            for n in range(5)
        )
    )
    statuses = sorted(r.status_code for r in results)
    assert statuses.count(200) == 1 and statuses.count(409) == 4


async def test_submit_refuses_missing_answers_and_changes_nothing(team_client):
    call = await open_call()
    sub = await draft(team_client, call, title="Halb fertig")
    response = await api(team_client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"summary", "category", "answers.problem", "answers.licence"} <= fields
    row = (
        await Submission.select(Submission.status, Submission.reference)
        .where(Submission.id == sub["id"])
        .first()
    )
    assert row == {"status": "draft", "reference": None}


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"category": "Luftfahrt"}, "category"),
        ({"answers": {"licence": "GPL"}}, "answers.licence"),
        ({"answers": {"staff": "viele"}}, "answers.staff"),
        ({"answers": {"demo": "javascript:alert(1)"}}, "answers.demo"),
        ({"answers": {"problem": "x" * 501}}, "answers.problem"),
        ({"answers": {"unbekannt": "x"}}, "answers.unbekannt"),
        ({"title": "x" * 201}, "title"),
    ],
)
async def test_invalid_answers_are_refused(team_client, patch, field):
    call = await open_call()
    sub = await draft(team_client, call)
    response = await api(
        team_client, "PATCH", f"/api/v1/submissions/{sub['id']}", {"version": 1, **patch}
    )
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert (await Submission.select(Submission.version).where(Submission.id == sub["id"]).first())[
        "version"
    ] == 1


async def test_deadline_is_enforced_to_the_second(team_client):
    with clock.frozen() as frozen:
        call = await open_call(closes_at=frozen.current + timedelta(seconds=2))
        sub = await draft(team_client, call, title="Knapp")
        frozen.advance(seconds=1.999)
        on_time = await api(
            team_client,
            "PATCH",
            f"/api/v1/submissions/{sub['id']}",
            {"version": 1, "title": "Knapp!"},
        )
        assert on_time.status_code == 200, on_time.text
        frozen.advance(seconds=0.001)  # the deadline itself: closed
        late = await api(
            team_client,
            "PATCH",
            f"/api/v1/submissions/{sub['id']}",
            {"version": 2, "title": "Zu spät"},
        )
        assert late.status_code == 422
        assert late.json()["code"] == "deadline_passed"
        assert late.json()["closed_at"]
        assert (
            await api(team_client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
        ).json()["code"] == "deadline_passed"
    assert (await Submission.select(Submission.title).where(Submission.id == sub["id"]).first())[
        "title"
    ] == "Knapp!"


async def test_before_opening_and_closed_calls_take_no_drafts(team_client):
    now = datetime.now(UTC)
    upcoming = await make_call(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9))
    closed = await make_call(opens_at=now - timedelta(days=9), closes_at=now - timedelta(seconds=1))
    for call, code in ((upcoming, "call_not_open"), (closed, "deadline_passed")):
        response = await api(
            team_client,
            "POST",
            f"/api/v1/calls/{call['slug']}/submissions",
            {"organisation_id": str(team_client.team["id"])},
        )
        assert response.status_code == 422 and response.json()["code"] == code


async def test_staff_extension_lets_one_team_continue(app, team_client):
    now = datetime.now(UTC)
    call = await open_call(closes_at=now + timedelta(seconds=2))
    sub = await draft(team_client, call, **COMPLETE)
    with clock.frozen(now + timedelta(seconds=3)):
        refused = await api(team_client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
        assert refused.json()["code"] == "deadline_passed"
        async with http_client(app) as staff_browser:
            staff = await make_user(roles=("staff",))
            await login(staff_browser, staff["email"])
            granted = await api(
                staff_browser,
                "POST",
                f"/api/v1/calls/{call['slug']}/extensions",
                {
                    "organisation_id": str(team_client.team["id"]),
                    "closes_at": (now + timedelta(days=1)).isoformat(),
                    "reason": "Serverausfall beim Team",
                },
            )
            assert granted.status_code == 201
        assert (
            await api(team_client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
        ).status_code == 200


async def test_non_members_get_404_and_staff_read_only(app, team_client):
    call = await open_call()
    sub = await draft(team_client, call)
    async with http_client(app) as other:
        stranger = await make_user()
        await login(other, stranger["email"])
        assert (await other.get(f"/api/v1/submissions/{sub['id']}")).status_code == 404
        assert (
            await api(
                other, "PATCH", f"/api/v1/submissions/{sub['id']}", {"version": 1, "title": "x"}
            )
        ).status_code == 404
        assert (
            await api(
                other,
                "POST",
                f"/api/v1/calls/{call['slug']}/submissions",
                {"organisation_id": str(team_client.team["id"])},
            )
        ).status_code == 404
    async with http_client(app) as staff_browser:
        staff = await make_user(roles=("staff",))
        await login(staff_browser, staff["email"])
        assert (await staff_browser.get(f"/api/v1/submissions/{sub['id']}")).status_code == 200
        assert (
            await api(
                staff_browser,
                "PATCH",
                f"/api/v1/submissions/{sub['id']}",
                {"version": 1, "title": "x"},
            )
        ).status_code == 403


async def test_one_proposal_per_team_and_call(team_client):
    call = await open_call()
    await draft(team_client, call)
    again = await api(
        team_client,
        "POST",
        f"/api/v1/calls/{call['slug']}/submissions",
        {"organisation_id": str(team_client.team["id"])},
    )
    assert again.status_code == 409 and again.json()["code"] == "already_applied"


async def test_attachments_follow_the_calls_document_rules(team_client):
    call = await open_call()
    sub = await draft(team_client, call)
    for name, content, status in (
        ("bild.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, 415),
        ("a.pdf", pdf(), 201),
        ("b.pdf", pdf(), 201),
        ("c.pdf", pdf(), 422),
    ):
        body, content_type = multipart(name, content)
        response = await team_client.post(
            f"/api/v1/submissions/{sub['id']}/documents",
            content=body,
            headers={"content-type": content_type, "x-csrftoken": await csrf(team_client)},
        )
        assert response.status_code == status, (name, response.text)


async def test_fifty_concurrent_submits_get_unique_references(app):
    call = await open_call()
    clients = []
    for n in range(50):
        client = http_client(app)
        await client.__aenter__()
        user = await make_user()
        await login(client, user["email"])
        client.team = await make_team(user["id"], name=f"Team {n}")
        sub = await draft(client, call, **COMPLETE)
        clients.append((client, sub))
    responses = await asyncio.gather(
        *(api(c, "POST", f"/api/v1/submissions/{s['id']}/submit", {}) for c, s in clients)
    )
    for client, _ in clients:
        await client.__aexit__(None, None, None)
    assert [r.status_code for r in responses] == [200] * 50
    references = [r.json()["reference"] for r in responses]
    assert len(set(references)) == 50


async def test_my_submissions_lists_the_teams_proposals(team_client):
    call = await open_call()
    sub = await draft(team_client, call, title="Meins")
    mine = (await team_client.get("/api/v1/me/submissions")).json()
    assert sub["id"] in [row["id"] for row in mine]
