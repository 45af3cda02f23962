"""The call form's row builders for questions and criteria work without JavaScript: the buttons
add, remove and move rows with the typed data kept and nothing saved until "Save"."""

import re
import uuid
from datetime import UTC, datetime

import pytest

from challenge.calls.tables import Call
from tests.support.web import api, login, make_user, post_form

BASE = {
    "title": "Smart City Challenge 2028: Wasser",
    "summary": "Wasser in der Stadt",
    "opens_at": "2028-03-01T09:00",
    "closes_at": "2028-05-01T12:00",
    "budget_cents": "120.000,00",
    "max_files": "4",
    "max_mb": "10",
    "allowed_types": ["application/pdf"],
}
CRITERION = {
    "criteria-0-key": "impact",
    "criteria-0-name": "Nutzen",
    "criteria-0-weight": "1,5",
    "criteria-0-scale_min": "0",
    "criteria-0-scale_max": "10",
}
QUESTIONS = {
    "questions-0-key": "problem",
    "questions-0-label": "Welches Problem lösen Sie?",
    "questions-0-type": "long_text",
    "questions-0-required": "1",
    "questions-0-max_length": "2000",
    "questions-1-key": "licence",
    "questions-1-label": "Unter welcher Lizenz?",
    "questions-1-type": "choice",
    "questions-1-choices": "EUPL-1.2\nMIT",
}


@pytest.fixture
async def staff(client):
    user = await make_user(roles=("staff",))
    await login(client, user["email"])
    return client


def value_of(html: str, name: str) -> str | None:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    return match[1] if match else None


async def test_new_call_offers_the_default_criteria_named_after_the_city(staff):
    page = await staff.get("/staff/calls/new")
    assert page.status_code == 200
    assert value_of(page.text, "criteria-0-name") == "Nutzen für Leipzig"
    assert 'name="builder" value="add:questions"' in page.text
    assert 'hx-post="/staff/calls/new"' in page.text  # htmx posts the form to its own page
    assert 'id="field-criteria"' in page.text and 'id="field-questions"' in page.text
    assert 'name="criteria"' not in page.text  # no line-format text area any more


async def test_builder_buttons_rearrange_rows_and_save_nothing(staff):
    slug = f"bau-{uuid.uuid4().hex[:6]}"
    form = {**BASE, "slug": slug, **CRITERION, **QUESTIONS}
    added = await post_form(staff, "/staff/calls/new", {**form, "builder": "add:questions"})
    assert added.status_code == 200
    assert value_of(added.text, "questions-0-label") == "Welches Problem lösen Sie?"
    assert 'name="questions-2-key"' in added.text  # a third, empty row
    assert value_of(added.text, "title") == BASE["title"]

    moved = await post_form(staff, "/staff/calls/new", {**form, "builder": "up:questions:1"})
    assert value_of(moved.text, "questions-0-key") == "licence"
    assert value_of(moved.text, "questions-1-key") == "problem"
    assert "EUPL-1.2\nMIT</textarea>" in moved.text  # the choices moved with their row

    removed = await post_form(staff, "/staff/calls/new", {**form, "builder": "remove:questions:0"})
    assert value_of(removed.text, "questions-0-key") == "licence"
    assert 'name="questions-1-key"' not in removed.text
    assert value_of(removed.text, "criteria-0-weight") == "1,5"

    criterion = await post_form(staff, "/staff/calls/new", {**form, "builder": "add:criteria"})
    assert value_of(criterion.text, "criteria-1-scale_max") == "10"
    assert not await Call.exists().where(Call.slug == slug)


async def test_the_preview_shows_the_questions_as_applicants_see_them(staff):
    form = {**BASE, "slug": "vorschau", **CRITERION, **QUESTIONS}
    page = await post_form(staff, "/staff/calls/new", {**form, "builder": "preview"})
    preview = page.text.split('id="preview-title"', 1)[1]
    assert "Welches Problem lösen Sie?" in preview and "Unter welcher Lizenz?" in preview
    assert "EUPL-1.2" in preview and "Höchstens 2.000 Zeichen." in preview
    assert 'name="questions' not in preview  # the preview's fields are never sent


async def test_saving_creates_the_call_with_structured_rows(staff):
    slug = f"bau-{uuid.uuid4().hex[:6]}"
    form = {**BASE, "slug": slug, **CRITERION, **QUESTIONS}
    saved = await post_form(staff, "/staff/calls/new", form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    row = await Call.select().output(load_json=True).where(Call.slug == slug).first()
    assert row["criteria"] == [
        {"key": "impact", "name": "Nutzen", "weight": 1.5, "scale_min": 0, "scale_max": 10}
    ]
    assert row["questions"] == [
        {
            "key": "problem",
            "label": "Welches Problem lösen Sie?",
            "type": "long_text",
            "required": True,
            "max_length": 2000,
        },
        {
            "key": "licence",
            "label": "Unter welcher Lizenz?",
            "type": "choice",
            "choices": ["EUPL-1.2", "MIT"],
        },
    ]
    edit = await staff.get(f"/staff/calls/{slug}/edit")
    assert value_of(edit.text, "questions-1-key") == "licence"
    assert value_of(edit.text, "criteria-0-weight") == "1,5"


async def test_a_bad_row_is_named_in_the_error_summary(staff):
    form = {**BASE, "slug": f"bau-{uuid.uuid4().hex[:6]}", **CRITERION, **QUESTIONS}
    page = await post_form(
        staff, "/staff/calls/new", {**form, "criteria-0-weight": "viel", "questions-1-key": "Li-1"}
    )
    assert page.status_code == 422
    summary = page.text.split('id="error-summary"', 1)[1].split("</div>\n</div>", 1)[0]
    assert 'href="#field-criteria-0-weight"' in summary
    assert 'id="field-criteria-0-weight"' in page.text
    assert value_of(page.text, "criteria-0-weight") == "viel"  # kept as typed

    page = await post_form(staff, "/staff/calls/new", {**form, "questions-1-key": "Li-1"})
    assert page.status_code == 422
    assert 'href="#field-questions-1-key"' in page.text
    assert 'id="error-questions-1-key"' in page.text


async def test_the_rubric_is_read_only_once_proposals_exist(staff):
    from tests.challenge.calls.test_calls_editing import call_body
    from tests.support.factories import make_team

    body = call_body(opens_at="2020-01-01T09:00:00+01:00", closes_at="2099-01-01T12:00:00+01:00")
    await api(staff, "POST", "/api/v1/calls", body)
    from challenge.submissions.tables import Submission

    applicant = await make_user()
    team = await make_team(applicant["id"])
    call = await Call.select(Call.id).where(Call.slug == body["slug"]).first()
    await Submission(call=call["id"], organisation=team["id"], created_at=datetime.now(UTC)).save()

    page = await staff.get(f"/staff/calls/{body['slug']}/edit")
    assert "Proposals exist already" in page.text or "Es gibt bereits Vorschläge" in page.text
    assert 'name="criteria-0-key"' not in page.text
    assert 'value="add:criteria"' not in page.text
    assert 'name="questions-0-key"' not in page.text  # the questions asked stay
    assert "Welches Problem lösen Sie?" in page.text

    form = {
        **BASE,
        "slug": body["slug"],
        "title": "Neuer Titel",
        "questions-0-key": "neu",
        "questions-0-label": "Noch etwas?",
        "questions-0-type": "text",
        "questions-0-required": "1",  # not offered; the page keeps it optional
    }
    saved = await post_form(
        staff, f"/staff/calls/{body['slug']}/edit", form, follow_redirects=False
    )
    assert saved.status_code == 422  # a required question after proposals is refused
    del form["questions-0-required"]
    saved = await post_form(
        staff, f"/staff/calls/{body['slug']}/edit", form, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    row = await Call.select().output(load_json=True).where(Call.slug == body["slug"]).first()
    assert row["title"] == "Neuer Titel"
    assert row["criteria"] == body["criteria"]
    assert [q["key"] for q in row["questions"]] == ["problem", "licence", "neu"]
