"""The applicant's journey through the pages, without JavaScript."""

import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from challenge.submissions.tables import Submission
from tests.support.factories import QUESTIONS, make_call, make_team
from tests.support.files import multipart, pdf
from tests.support.web import csrf, login, make_user, post_form


async def start_proposal(client) -> str:
    """Log in a new applicant with a team, apply to a new open call; the proposal's id."""
    user = await make_user()
    await login(client, user["email"])
    call = await open_call()
    team = await make_team(user["id"])
    started = await post_form(
        client,
        f"/calls/{call['slug']}/apply",
        {"organisation_id": str(team["id"])},
        follow_redirects=False,
    )
    return started.headers["location"].split("/")[2]


async def open_call(**overrides):
    now = datetime.now(UTC)
    values = {
        "categories": ["Hitze", "Wasser"],
        "questions": QUESTIONS,
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=12, hours=1),
        "document_rules": {
            "max_files": 2,
            "max_bytes": 1024 * 1024,
            "allowed_types": ["application/pdf"],
        },
        **overrides,
    }
    return await make_call(**values)


async def test_apply_fill_every_step_upload_and_submit(client):
    user = await make_user()
    await login(client, user["email"])
    call = await open_call()
    page = await client.get(f"/calls/{call['slug']}")
    assert f'href="/calls/{call["slug"]}/apply"' in page.text and "12 Tage" in page.text
    no_team = await client.get(f"/calls/{call['slug']}/apply")
    assert 'href="/teams/new"' in no_team.text
    team = await make_team(user["id"], name="Team Seite")
    started = await post_form(
        client,
        f"/calls/{call['slug']}/apply",
        {"organisation_id": str(team["id"])},
        follow_redirects=False,
    )
    assert started.status_code == 303
    sub_id = re.search(r"/submissions/([0-9a-f-]{36})/proposal", started.headers["location"]).group(
        1
    )

    step = await client.get(f"/submissions/{sub_id}/proposal")
    version = re.search(r'name="version" value="(\d+)"', step.text).group(1)
    saved = await post_form(
        client,
        f"/submissions/{sub_id}/proposal",
        {
            "version": version,
            "title": "Kühle Straßen",
            "summary": "Bäume und Wasser",
            "category": "Hitze",
        },
        follow_redirects=False,
    )
    assert saved.headers["location"] == f"/submissions/{sub_id}/questions"
    step = await client.get(f"/submissions/{sub_id}/questions")
    version = re.search(r'name="version" value="(\d+)"', step.text).group(1)
    bad = await post_form(
        client,
        f"/submissions/{sub_id}/questions",
        {
            "version": version,
            "answer_problem": "Hitze",
            "answer_licence": "EUPL-1.2",
            "answer_staff": "viele",
        },
    )
    assert (
        bad.status_code == 422
        and "Geben Sie eine Zahl ein." in bad.text
        and 'value="viele"' in bad.text
    )
    saved = await post_form(
        client,
        f"/submissions/{sub_id}/questions",
        {
            "version": version,
            "answer_problem": "Hitze im Quartier",
            "answer_licence": "EUPL-1.2",
            "answer_staff": "3",
        },
        follow_redirects=False,
    )
    assert saved.headers["location"] == f"/submissions/{sub_id}/documents"
    body, content_type = multipart("Konzept.pdf", pdf())
    uploaded = await client.post(
        f"/submissions/{sub_id}/attachments/upload?_csrf_token={await csrf(client)}",
        content=body,
        headers={"content-type": content_type},
        follow_redirects=True,
    )
    assert "Konzept.pdf" in uploaded.text

    review = await client.get(f"/submissions/{sub_id}")
    assert "Hitze im Quartier" in review.text
    unconfirmed = await post_form(client, f"/submissions/{sub_id}/submit", {})
    assert unconfirmed.status_code == 422
    done = await post_form(
        client,
        f"/submissions/{sub_id}/submit",
        {"confirm": "1", "consent": "1"},
        follow_redirects=True,
    )
    row = await Submission.select().where(Submission.id == sub_id).first()
    assert row["status"] == "submitted" and row["consent_publication"] is True
    assert row["reference"] in done.text
    receipt = await client.get(f"/api/v1/submissions/{sub_id}/receipt.pdf")
    assert receipt.status_code == 200
    dashboard = await client.get("/me/submissions")
    assert "Kühle Straßen" in dashboard.text and row["reference"] in dashboard.text


async def test_conflicting_save_keeps_the_typed_text(client):
    sub_id = await start_proposal(client)
    await post_form(
        client,
        f"/submissions/{sub_id}/proposal",
        {"version": "1", "title": "Aus dem anderen Tab", "summary": "", "category": ""},
    )
    stale = await post_form(
        client,
        f"/submissions/{sub_id}/proposal",
        {
            "version": "1",
            "title": "Mein langer Text, der nicht verloren gehen darf",
            "summary": "",
            "category": "",
        },
    )
    assert stale.status_code == 409
    assert (
        "Mein langer Text, der nicht verloren gehen darf" in stale.text
    )  # the user's text is back in the form
    assert "Aus dem anderen Tab" in stale.text  # and the saved version is shown
    assert 'name="version" value="2"' in stale.text  # saving again overwrites deliberately
    again = await post_form(
        client,
        f"/submissions/{sub_id}/proposal",
        {
            "version": "2",
            "title": "Mein langer Text, der nicht verloren gehen darf",
            "summary": "",
            "category": "",
        },
        follow_redirects=False,
    )
    assert again.status_code == 303


async def test_withdraw_asks_first(client):
    sub_id = await start_proposal(client)
    confirm = await client.get(f"/submissions/{sub_id}/withdraw/confirm")
    assert "nicht erneut eingereicht" in confirm.text
    assert (await Submission.select(Submission.status).where(Submission.id == sub_id).first())[
        "status"
    ] == "draft"
    await post_form(client, f"/submissions/{sub_id}/withdraw", {})
    assert (await Submission.select(Submission.status).where(Submission.id == sub_id).first())[
        "status"
    ] == "withdrawn"


async def test_deadline_warnings_in_the_last_day_and_hour(client):
    user = await make_user()
    await login(client, user["email"])
    team = await make_team(user["id"])
    for delta, text in (
        (timedelta(hours=20), "Weniger als 24 Stunden"),
        (timedelta(minutes=30), "Weniger als eine Stunde"),
    ):
        call = await open_call(closes_at=datetime.now(UTC) + delta)
        started = await post_form(
            client,
            f"/calls/{call['slug']}/apply",
            {"organisation_id": str(team["id"])},
            follow_redirects=True,
        )
        assert text in started.text


async def test_call_dates_as_ics(client):
    call = await open_call(
        jury_starts_at=datetime(2031, 1, 1, 9, tzinfo=UTC),
        jury_ends_at=datetime(2031, 1, 20, 9, tzinfo=UTC),
    )
    response = await client.get(f"/calls/{call['slug']}/dates.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/calendar"
    )
    calendar = Calendar.from_ical(response.content)
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert any(s.startswith("Einreichungsfrist") for s in summaries) and any(
        s.startswith("Jury") for s in summaries
    )


async def test_every_step_page_answers(client):
    """Regression: a static route segment named like a step hid the documents step (404)."""
    sub_id = await start_proposal(client)
    for step in ("proposal", "questions", "documents"):
        assert (await client.get(f"/submissions/{sub_id}/{step}")).status_code == 200, step
    assert (await client.get(f"/submissions/{sub_id}")).status_code == 200


async def test_autosave_saves_and_hands_back_the_new_version(client):
    sub_id = await start_proposal(client)
    page = await client.get(f"/submissions/{sub_id}/proposal")
    assert f'hx-post="/submissions/{sub_id}/proposal/autosave"' in page.text
    assert "htmx.min.js" in page.text
    first = await post_form(
        client,
        f"/submissions/{sub_id}/proposal/autosave",
        {"version": "1", "title": "Automatisch", "summary": "", "category": ""},
    )
    assert "automatisch gespeichert" in first.text
    assert 'name="version" value="2"' in first.text and 'hx-swap-oob="true"' in first.text
    stale = await post_form(
        client,
        f"/submissions/{sub_id}/proposal/autosave",
        {"version": "1", "title": "Alt", "summary": "", "category": ""},
    )
    assert "meanwhile" not in stale.text and "inzwischen" in stale.text.lower()
    assert (await Submission.select(Submission.title).where(Submission.id == sub_id).first())[
        "title"
    ] == "Automatisch"


async def test_the_button_right_after_an_autosave_of_the_same_form_goes_on(client):
    """Found by the browser journey: a radio click fires an autosave, the button posts the form
    with the version from before it. Same content: no conflict page; other content: still one."""
    sub_id = await start_proposal(client)
    form = {"title": "Gleich", "summary": "Kurz", "category": "Hitze"}
    await post_form(client, f"/submissions/{sub_id}/proposal/autosave", {"version": "1", **form})
    same = await post_form(
        client, f"/submissions/{sub_id}/proposal", {"version": "1", **form}, follow_redirects=False
    )
    assert same.status_code == 303 and same.headers["location"].endswith("/questions")
    other = await post_form(
        client, f"/submissions/{sub_id}/proposal", {"version": "1", **form, "title": "Anders"}
    )
    assert other.status_code == 409
    assert (await Submission.select(Submission.title).where(Submission.id == sub_id).first())[
        "title"
    ] == "Gleich"
