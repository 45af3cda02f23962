"""Staff manage calls through pages that work without JavaScript."""

import re
import uuid

from challenge.calls.tables import Call
from tests.support.web import login, make_user, post_form

FORM = {
    "title": "Smart City Challenge 2028: Licht",
    "summary": "Intelligente Beleuchtung",
    "description": "## Ziel\n\nWeniger Energie.",
    "eligibility": "Alle Teams aus Sachsen.",
    "categories": "Energie\nSicherheit",
    "faq": "Wer darf teilnehmen? | Alle Teams.",
    "opens_at": "2028-03-01T09:00",
    "closes_at": "2028-05-01T12:00",
    "budget_cents": "120.000,00",
    "max_award_cents": "40.000",
    "awards_planned": "3",
    "criteria": "impact | Nutzen | 3 | 0 | 10 | Wie sehr hilft es?\nteam | Team | 1 | 1 | 5",
    "questions": "problem | long_text | ja | Welches Problem lösen Sie? | | 2000 | Bitte konkret\nlicence | choice | ja | Lizenz | EUPL-1.2; MIT",
    "max_files": "4",
    "max_mb": "10",
    "allowed_types": ["application/pdf", "image/png"],
}


async def test_staff_create_preview_and_publish_a_call_through_pages(client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    slug = f"licht-{uuid.uuid4().hex[:6]}"
    created = await post_form(
        client, "/staff/calls/new", {**FORM, "slug": slug}, follow_redirects=False
    )
    assert created.status_code == 303, created.text
    row = await Call.select().output(load_json=True).where(Call.slug == slug).first()
    assert row["status"] == "draft"
    assert row["budget_cents"] == 120_000_00 and row["max_award_cents"] == 40_000_00
    assert row["closes_at"].isoformat() == "2028-05-01T10:00:00+00:00"  # 12:00 in Leipzig (CEST)
    assert [c["key"] for c in row["criteria"]] == ["impact", "team"]
    assert (
        row["questions"][1]["choices"] == ["EUPL-1.2", "MIT"]
        and row["questions"][0]["max_length"] == 2000
    )
    assert row["document_rules"]["allowed_types"] == ["application/pdf", "image/png"]
    assert row["faq"] == [{"question": "Wer darf teilnehmen?", "answer": "Alle Teams."}]

    preview = await client.get(f"/calls/{slug}")
    assert "Vorschau" in preview.text
    edit = await client.get(f"/staff/calls/{slug}/edit")
    # the builder shows the saved criterion as a row of labelled fields
    assert 'value="2028-05-01T12:00"' in edit.text
    assert re.search(r'name="criteria-0-key"[^>]*value="impact"', edit.text)
    assert re.search(r'name="criteria-0-name"[^>]*value="Nutzen"', edit.text)
    confirm = await client.get(f"/staff/calls/{slug}/publish")
    assert "veröffentlichen" in confirm.text.lower()
    await post_form(client, f"/staff/calls/{slug}/publish", {})
    assert (await Call.select(Call.status).where(Call.slug == slug).first())[
        "status"
    ] == "published"
    listing = await client.get("/staff/calls")
    assert FORM["title"] in listing.text


async def test_the_call_form_shows_errors_and_keeps_the_input(client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    response = await post_form(
        client,
        "/staff/calls/new",
        {**FORM, "slug": "x", "closes_at": "2028-01-01T12:00", "criteria": "nur ein Feld"},
    )
    assert response.status_code == 422
    assert 'id="error-summary"' in response.text
    assert "Kriterienzeile ist unvollständig" in response.text
    assert "Smart City Challenge 2028: Licht" in response.text
    response = await post_form(
        client, "/staff/calls/new", {**FORM, "slug": "x", "closes_at": "2028-01-01T12:00"}
    )
    assert response.status_code == 422
    assert "Die Einreichungsfrist muss nach dem Beginn liegen." in response.text
    assert "Verwenden Sie 3 bis 80" in response.text


async def test_applicants_cannot_open_staff_pages(client):
    user = await make_user()
    await login(client, user["email"])
    assert (await client.get("/staff/calls")).status_code == 403
