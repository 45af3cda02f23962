"""Information requests (issue 20, point 2): staff ask with a due date, the proposal page shows
the open request to the team, the team answers (text and a file) after the call's deadline while
the proposal itself stays closed, answered requests answer 409, overdue ones reach the staff's
start page, and only answers marked "for the jury" reach the proposal's juror — on a blind call
without the team's name, its people or its file names."""

from __future__ import annotations

from datetime import timedelta

import pytest

from challenge.messages.tables import InformationRequest
from challenge.platform import clock
from tests.challenge.messages.thread_world import MEMBER_NAME, TEAM_NAME, build, post_form
from tests.support.files import pdf
from tests.support.web import api, csrf


@pytest.fixture(scope="module")
async def world(app):
    built = await build(app)
    yield built
    await built.close()


async def ask(world, submission, question="Wie hoch sind die Kosten?", days=3.0, role="staff"):
    due = (clock.now() + timedelta(days=days)).isoformat()
    return await api(
        world.clients[role],
        "POST",
        f"/api/v1/submissions/{submission}/requests",
        {"question": question, "due_at": due},
    )


async def test_the_team_sees_the_request_and_answers_after_the_deadline(world):
    submission = await world.proposal()
    asked = await ask(world, submission, "Bitte schicken Sie die **Kostenaufstellung**.")
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["status"] == "open" and not request["overdue"]
    team = world.clients["team_a"]
    overview = (await team.get(f"/submissions/{submission}")).text
    assert "Die Stadt bittet Sie um weitere Angaben" in overview
    assert "<strong>Kostenaufstellung</strong>" in overview
    assert f"#request-{request['id']}" in overview and "Bitte antworten Sie bis" in overview
    thread = (await team.get(f"/submissions/{submission}/messages")).text
    assert f'action="/requests/{request["id"]}/answer"' in thread
    # the deadline has passed: the proposal itself stays closed ...
    changed = await api(
        team, "PATCH", f"/api/v1/submissions/{submission}", {"version": 1, "title": "Neu"}
    )
    assert changed.status_code in (409, 422) and changed.json()["code"] == "deadline_passed"
    # ... the answer goes through, with its file
    answered = await post_form(
        team, f"/requests/{request['id']}/answer", "Anbei die Kosten.", ("kosten.pdf", pdf("K"))
    )
    assert answered.status_code == 303, answered.text
    row = await InformationRequest.select().where(InformationRequest.id == request["id"]).first()
    assert row["status"] == "answered" and row["answer"] == "Anbei die Kosten."
    listed = (await team.get(f"/api/v1/submissions/{submission}/requests")).json()
    assert [f["filename"] for f in listed[0]["files"]] == ["kosten.pdf"]
    again = await api(
        team, "POST", f"/api/v1/requests/{request['id']}/answer", {"body": "Noch mal"}
    )
    assert again.status_code == 409 and again.json()["code"] == "request_answered"
    kinds = [
        m["kind"]
        for m in (await team.get(f"/api/v1/submissions/{submission}/messages")).json()["items"]
    ]
    assert kinds == ["answer", "request"]
    assert "Die Stadt bittet Sie" not in (await team.get(f"/submissions/{submission}")).text


async def test_who_may_ask_answer_and_decide(world):
    submission = await world.proposal()
    for role, status in (
        ("team_a", 403),
        ("unit", 403),
        ("team_b", 404),
        ("juror", 404),
        ("finance", 404),
    ):
        assert (await ask(world, submission, role=role)).status_code == status, role
    past = await ask(world, submission, days=-1)
    assert past.status_code == 422 and past.json()["code"] == "due_in_past"
    draft = await world.proposal("team_b", status="draft")
    refused = await ask(world, draft)
    assert refused.status_code == 409 and refused.json()["code"] == "not_submitted"
    request = (await ask(world, submission)).json()
    answer = f"/api/v1/requests/{request['id']}/answer"
    for role, status in (("staff", 403), ("unit", 403), ("team_b", 404), ("juror", 404)):
        got = await api(world.clients[role], "POST", answer, {"body": "Von außen"})
        assert got.status_code == status, role
    early = await api(
        world.clients["staff"], "POST", f"/api/v1/requests/{request['id']}/jury", {"for_jury": True}
    )
    assert early.status_code == 409 and early.json()["code"] == "request_not_answered"
    jury = f"/api/v1/requests/{request['id']}/jury"
    assert (await api(world.clients["team_a"], "POST", jury, {"for_jury": True})).status_code == 403
    withdrawn = await api(
        world.clients["staff"], "POST", f"/api/v1/requests/{request['id']}/withdraw"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    late = await api(world.clients["team_a"], "POST", answer, {"body": "Zu spät"})
    assert late.status_code == 409 and late.json()["code"] == "request_withdrawn"
    twice = await api(world.clients["admin"], "POST", f"/api/v1/requests/{request['id']}/withdraw")
    assert twice.status_code == 409


async def test_overdue_requests_reach_the_start_pages(world):
    submission = await world.proposal(title="Überfällige Kühlung")
    request = (await ask(world, submission, days=1 / 24)).json()
    # two hours on (not days: the sessions here last a day)
    with clock.frozen(clock.now() + timedelta(hours=2)):
        staff = (await world.clients["staff"].get("/dashboard")).text
        team = (await world.clients["team_a"].get("/dashboard")).text
        listed = (
            await world.clients["staff"].get(f"/api/v1/submissions/{submission}/requests")
        ).json()
    assert 'data-panel="information-requests"' in staff and "Überfällige Kühlung" in staff
    assert f"#request-{request['id']}" in staff
    assert 'data-panel="team-requests"' in team and "Überfällige Kühlung" in team
    assert listed[0]["overdue"] is True


async def test_only_answers_for_the_jury_reach_the_juror_anonymised(world):
    """The blind-call leak search: everything the assigned juror can fetch about the proposal."""
    submission = await world.proposal(title="Blinder Vorschlag")
    team, staff, juror = (world.clients[r] for r in ("team_a2", "staff", "juror"))
    await api(
        team, "POST", f"/api/v1/submissions/{submission}/messages", {"body": "Interne Nachricht"}
    )
    secret = await post_form(
        team, f"/submissions/{submission}/messages", "Mit Datei", ("geheim-team.pdf", pdf("G"))
    )
    assert secret.status_code == 303
    request = (await ask(world, submission, "Frage nach dem Zeitplan")).json()
    answered = await post_form(
        team,
        f"/requests/{request['id']}/answer",
        "Antwort zum Zeitplan",
        ("zeitplan-geheimteam.pdf", pdf("Z")),
    )
    assert answered.status_code == 303
    staff_view = (await staff.get(f"/api/v1/submissions/{submission}/messages")).json()["items"]
    files = {f["filename"]: f["id"] for m in staff_view for f in m["files"]}

    async def everything() -> str:
        review = await juror.get(f"/jury/reviews/{submission}")
        assert review.status_code == 200, review.text
        proposal = await juror.get(f"/api/v1/submissions/{submission}")
        review_api = await juror.get(f"/api/v1/jury/reviews/{submission}")
        for url in (
            f"/api/v1/submissions/{submission}/messages",
            f"/api/v1/submissions/{submission}/requests",
            f"/submissions/{submission}/messages",
            f"/api/v1/documents/{files['geheim-team.pdf']}",
        ):
            assert (await juror.get(url)).status_code == 404, url
        return review.text + proposal.text + review_api.text

    before = await everything()
    assert "Zeitplan" not in before
    assert (
        await juror.get(f"/api/v1/documents/{files['zeitplan-geheimteam.pdf']}")
    ).status_code == 404
    shown = await api(staff, "POST", f"/api/v1/requests/{request['id']}/jury", {"for_jury": True})
    assert shown.status_code == 200 and shown.json()["for_jury"] is True
    after = await everything()
    assert "Frage nach dem Zeitplan" in after and "Antwort zum Zeitplan" in after
    assert "Antwort-Anlage-1.pdf" in after
    for leak in (
        TEAM_NAME,
        MEMBER_NAME,
        "Geheimteam",
        "geheim-team",
        "Interne Nachricht",
        "Mit Datei",
    ):
        assert leak not in after, leak
    download = await juror.get(f"/api/v1/documents/{files['zeitplan-geheimteam.pdf']}")
    assert download.status_code == 200
    assert "Antwort-Anlage-1.pdf" in download.headers["content-disposition"]
    hidden = await api(staff, "POST", f"/api/v1/requests/{request['id']}/jury", {"for_jury": False})
    assert hidden.status_code == 200
    assert "Antwort zum Zeitplan" not in await everything()
    assert (
        await juror.get(f"/api/v1/documents/{files['zeitplan-geheimteam.pdf']}")
    ).status_code == 404


async def test_the_staff_page_forms(world):
    """Staff ask, show and withdraw through the thread page's forms (CSRF, redirects)."""
    submission = await world.proposal()
    staff = world.clients["staff"]
    page = (await staff.get(f"/submissions/{submission}/messages")).text
    assert f'action="/submissions/{submission}/requests"' in page
    token = await csrf(staff)
    due = (clock.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    asked = await staff.post(
        f"/submissions/{submission}/requests",
        data={"_csrf_token": token, "question": "Wer betreibt das?", "due_at": due},
        follow_redirects=False,
    )
    assert asked.status_code == 303 and asked.headers["location"].endswith("?notice=asked#requests")
    missing = await staff.post(
        f"/submissions/{submission}/requests",
        data={"_csrf_token": token, "question": "Ohne Frist", "due_at": ""},
    )
    assert missing.status_code == 422 and "Ohne Frist" in missing.text
    [request] = (await staff.get(f"/api/v1/submissions/{submission}/requests")).json()
    assert request["question"] == "Wer betreibt das?"
    overview = (await staff.get(f"/staff/submissions/{submission}")).text
    assert "Offene Rückfrage" in overview and f"/submissions/{submission}/messages" in overview
    withdrawn = await staff.post(
        f"/requests/{request['id']}/withdraw", data={"_csrf_token": token}, follow_redirects=False
    )
    assert withdrawn.status_code == 303
    page = (await staff.get(f"/submissions/{submission}/messages")).text
    assert f'action="/requests/{request["id"]}/withdraw"' not in page  # nothing left to withdraw


async def test_the_questions_mail_names_its_due_date(world):
    from datetime import UTC, datetime

    from challenge.platform.mail.tables import OutboxMail

    submission = await world.proposal()
    due = datetime(2031, 3, 14, 11, 0, tzinfo=UTC)  # 12:00 in Berlin
    asked = await api(
        world.clients["staff"],
        "POST",
        f"/api/v1/submissions/{submission}/requests",
        {"question": "Wann starten Sie?", "due_at": due.isoformat()},
    )
    assert asked.status_code == 201, asked.text
    team = world.users["team_a"]["email"]
    mail = (
        await OutboxMail.select(OutboxMail.body_text)
        .where((OutboxMail.to_address == team) & OutboxMail.body_text.like("%Wann starten Sie%"))
        .first()
    )
    assert mail and "bis 14. März 2031, 12:00" in mail["body_text"], mail


async def test_a_due_date_without_a_zone_is_the_citys_time(world):
    from datetime import UTC, datetime

    submission = await world.proposal()
    asked = await api(
        world.clients["staff"],
        "POST",
        f"/api/v1/submissions/{submission}/requests",
        {"question": "Ohne Zone?", "due_at": "2031-03-14T12:00:00"},
    )
    assert asked.status_code == 201, asked.text
    row = (
        await InformationRequest.select().where(InformationRequest.id == asked.json()["id"]).first()
    )
    assert row["due_at"] == datetime(2031, 3, 14, 11, 0, tzinfo=UTC)


async def test_a_withdrawn_proposals_questions_are_not_overdue(world):
    from challenge.messages import inbox
    from challenge.submissions.tables import Submission

    submission = await world.proposal()
    asked = await ask(world, submission, "Noch da?", days=1)
    assert asked.status_code == 201
    later = clock.now() + timedelta(days=2)
    before = await inbox.request_counts(later)
    await Submission.update({Submission.status: "withdrawn"}).where(Submission.id == submission)
    after = await inbox.request_counts(later)
    assert after["overdue"] == before["overdue"] - 1 and after["open"] == before["open"] - 1
