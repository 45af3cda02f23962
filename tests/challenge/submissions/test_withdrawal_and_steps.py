"""One rule for withdrawing (service, API and page alike), the proposal form's done-marks, and
what the proposal page offers right after submitting."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from challenge.calls.tables import Call
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from tests.challenge.submissions.test_submission_pages import open_call, start_proposal
from tests.support.factories import make_call, make_team
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login, make_user, post_form

NOW = datetime.now(UTC)
WITHDRAW_LINK = "/withdraw/confirm"


async def team_entry(client, *, published: bool, outcome: str | None) -> str:
    """A signed-in team member's submitted entry on a closed call, with a decision (outcome)
    and the results published or not; the entry's id."""
    user = await make_user()
    await login(client, user["email"])
    team = await make_team(user["id"])
    call = await make_call(
        opens_at=NOW - timedelta(days=30),
        closes_at=NOW - timedelta(days=10),
        status="results_published" if published else "judging",
        results_published_at=NOW - timedelta(days=1) if published else None,
    )
    call_id = (await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"]
    entry = Submission(
        call=call_id,
        organisation=team["id"],
        title="Kühle Straßen",
        status="submitted",
        reference=f"T-{uuid.uuid4().hex[:12]}",
        submitted_at=NOW - timedelta(days=11),
        created_at=NOW - timedelta(days=12),
    )
    await entry.save()
    if outcome is not None:
        await Decision(
            call=call_id,
            submission=entry.id,
            outcome=outcome,
            created_at=NOW - timedelta(days=2),
        ).save()
    return str(entry.id)


@pytest.mark.parametrize("outcome", ["winner", "shortlisted", "development"])
async def test_a_selected_entry_cannot_be_withdrawn_after_publication(client, outcome):
    entry_id = await team_entry(client, published=True, outcome=outcome)
    page = await client.get(f"/submissions/{entry_id}")
    assert page.status_code == 200
    assert f'data-status="decision:{outcome}"' in page.text
    assert WITHDRAW_LINK not in page.text  # the page offers no action the API refuses
    assert "kann er nicht mehr zurückgezogen werden" in page.text

    refused = await api(client, "POST", f"/api/v1/submissions/{entry_id}/withdraw")
    assert refused.status_code == 409
    assert refused.json()["code"] == "withdrawal_closed"
    confirm = await client.get(f"/submissions/{entry_id}{WITHDRAW_LINK}")
    assert confirm.status_code == 409 and "Ja, zurückziehen" not in confirm.text
    by_form = await post_form(client, f"/submissions/{entry_id}/withdraw", {})
    assert by_form.status_code == 409
    row = await Submission.select(Submission.status).where(Submission.id == entry_id).first()
    assert row["status"] == "submitted"


@pytest.mark.parametrize(
    ("published", "outcome"),
    [(True, "not_selected"), (False, "winner"), (False, None), (True, None)],
)
async def test_withdrawal_stays_open_for_others(client, published, outcome):
    """Not selected, decided but not yet published, or without a decision: the team may still
    withdraw, and the page offers it."""
    entry_id = await team_entry(client, published=published, outcome=outcome)
    page = await client.get(f"/submissions/{entry_id}")
    assert WITHDRAW_LINK in page.text
    withdrawn = await api(client, "POST", f"/api/v1/submissions/{entry_id}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = await api(client, "POST", f"/api/v1/submissions/{entry_id}/withdraw")
    assert again.status_code == 409 and again.json()["code"] == "withdrawn"
    page = await client.get(f"/submissions/{entry_id}")
    assert WITHDRAW_LINK not in page.text and 'data-status="proposal:withdrawn"' in page.text


def step_marks(html: str) -> dict[str, str]:
    """step name -> the status code its badge shows, from the task list."""
    items = re.findall(
        r'<li class="kern-task-list__item"( aria-current="step")?>.*?href="/submissions/[^"]+?'
        r'(/proposal|/questions|/documents|)".*?data-status="step:(\w+)"',
        html,
        re.S,
    )
    names = {"/proposal": "proposal", "/questions": "questions", "/documents": "documents"}
    return {names.get(path, "review"): code for _current, path, code in items}


def current_step(html: str) -> str:
    match = re.search(
        r'<li class="kern-task-list__item" aria-current="step">.*?<a [^>]*>([^<]+)</a>', html, re.S
    )
    assert match, "no step is marked current"
    return match.group(1).strip()


PROPOSAL = {"title": "Kühle Straßen", "summary": "Bäume", "category": "Hitze"}
ANSWERS = {"answer_problem": "Hitze", "answer_licence": "MIT"}


async def save_step(client, sub_id: str, step: str, fields: dict, page=None) -> None:
    """Save one step as its form does: with the version the step's page shows."""
    page = page or await client.get(f"/submissions/{sub_id}/{step}")
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    await post_form(client, f"/submissions/{sub_id}/{step}", {"version": version, **fields})


async def test_steps_show_done_marks_from_the_saved_draft(client):
    sub_id = await start_proposal(client)
    page = await client.get(f"/submissions/{sub_id}/proposal")
    assert step_marks(page.text) == {
        "proposal": "todo",
        "questions": "todo",
        "documents": "optional",
        "review": "todo",
    }
    assert current_step(page.text) == "Vorschlag"
    await save_step(client, sub_id, "proposal", PROPOSAL, page)
    page = await client.get(f"/submissions/{sub_id}/questions")
    assert step_marks(page.text)["proposal"] == "done"
    assert step_marks(page.text)["questions"] == "todo"
    assert current_step(page.text) == "Fragen"
    assert "Vollständig" in page.text  # the done-mark in words
    await save_step(client, sub_id, "questions", ANSWERS, page)
    review = await client.get(f"/submissions/{sub_id}")
    assert step_marks(review.text) == {
        "proposal": "done",
        "questions": "done",
        "documents": "optional",
        "review": "todo",
    }
    assert current_step(review.text) == "Prüfen und einreichen"


async def test_after_submitting_the_page_offers_no_submit_until_something_changes(client):
    sub_id = await start_proposal(client)
    await save_step(client, sub_id, "proposal", PROPOSAL)
    await save_step(client, sub_id, "questions", ANSWERS)
    before = await client.get(f"/submissions/{sub_id}")
    assert "Jetzt einreichen" in before.text
    done = await post_form(
        client, f"/submissions/{sub_id}/submit", {"confirm": "1"}, follow_redirects=True
    )
    assert "Eingereicht." in done.text
    assert "Jetzt einreichen" not in done.text and f"/submissions/{sub_id}/submit" not in done.text
    assert step_marks(done.text)["review"] == "submitted"
    assert "SHA-256" not in done.text  # versions are listed by number and date only
    # a change after submitting: the page offers to submit the changes
    await save_step(client, sub_id, "proposal", {**PROPOSAL, "title": "Kühlere Straßen"})
    changed = await client.get(f"/submissions/{sub_id}")
    assert "Änderungen einreichen" in changed.text and "Jetzt einreichen" in changed.text
    assert step_marks(changed.text)["review"] == "changed"


async def test_documents_step_shows_sizes_in_german_and_confirms_an_upload(client):
    sub_id = await start_proposal(client)
    page = await client.get(f"/submissions/{sub_id}/documents")
    assert "je höchstens 1,0\u00a0MB." in page.text  # 1 MiB, in German decimals
    token = await csrf(client)
    body, content_type = multipart("Konzept.pdf", pdf())
    uploaded = await client.post(
        f"/submissions/{sub_id}/attachments/upload?_csrf_token={token}",
        content=body,
        headers={"content-type": content_type},
    )
    assert uploaded.status_code == 303
    assert uploaded.headers["location"] == f"/submissions/{sub_id}/documents?uploaded=1"
    page = await client.get(uploaded.headers["location"])
    assert "Die Datei wurde hochgeladen." in page.text and "Konzept.pdf" in page.text
    assert re.search(r"kern-table__cell--numeric\">\d+(,\d)?\u00a0(Bytes|KB)<", page.text)
    assert "SHA-256" not in page.text
    assert step_marks(page.text)["documents"] == "done"


async def test_an_upload_error_never_puts_the_csrf_token_in_a_location(client):
    sub_id = await start_proposal(client)
    token = await csrf(client)
    body, content_type = multipart("Konzept.png", pdf())  # the name does not match the content
    refused = await client.post(
        f"/submissions/{sub_id}/attachments/upload?_csrf_token={token}",
        content=body,
        headers={"content-type": content_type},
    )
    assert refused.status_code == 303
    location = refused.headers["location"]
    assert token not in location and "csrf" not in location
    page = await client.get(location)
    assert "Der Dateiname passt nicht zum Inhalt der Datei." in page.text
    assert 'href="#field-file"' in page.text  # the error summary leads to the file field
    assert "Die Datei wurde hochgeladen." not in page.text
    # the language switch on that page carries no token either
    links = re.findall(r'href="(/lang/[^"]+)"', page.text)
    assert links and not any("csrf" in link for link in links)


async def test_a_closed_call_with_published_results_says_so(client):
    call = await open_call(
        opens_at=NOW - timedelta(days=30),
        closes_at=NOW - timedelta(days=10),
        status="results_published",
        results_published_at=NOW - timedelta(days=1),
    )
    page = await client.get(f"/calls/{call['slug']}")
    assert 'data-status="call_phase:results_published"' in page.text
    assert "Ergebnisse veröffentlicht" in page.text and "bereit zur Bewertung" not in page.text
    home = await client.get("/")
    assert 'data-status="call_phase:results_published"' in home.text
    assert 'class="kern-card' in home.text
