"""Challenges in public (issue 17, points 2 and 8): the call page lists them as cards, each has
its own page (404 unless approved, attached and the call published), the call PDF and calendar
name them, the home page shows the open call's challenges; a call without any looks as before."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge
from tests.support.factories import make_call, make_challenge, make_unit
from tests.support.web import login, make_user

OFFER = {
    "datasets": [
        {"title": "Baumkataster", "url": "https://opendata.leipzig.de/dataset/baumkataster"},
        {"title": "Gefährlich", "url": "javascript:alert(1)"},
    ],
    "infrastructure": "Testfeld am Lindenauer Hafen",
    "staff_access": "Sprechstunde mit dem Amt für Stadtgrün",
}


@pytest.fixture
async def web(client):
    return client


async def _call_with_challenges(**call_overrides):
    call = await make_call(**{"title": "Smart City Challenge 2027", **call_overrides})
    green = await make_unit(f"Amt für Stadtgrün und Gewässer {uuid.uuid4().hex[:6]}")
    first = await make_challenge(
        call,
        "stadtbaeume",
        unit=green,
        title="Stadtbäume im Klimawandel",
        problem="## Worum es geht\n\nStadtbäume **leiden** unter Hitze und Trockenheit.\n\nMehr.",
        affected="Anwohnende und Baumpatenschaften",
        outcome="Weniger vertrocknete Jungbäume",
        constraints="Keine personenbezogenen Daten",
        mentor_name="Mia Mentor",
        contact_name="Karl Kontakt",
        offer=OFFER,
        pilot_budget_cents=3_000_000,
        pilot_months=8,
        places=2,
        stipend_cents=250_000,
        faq=[{"question": "Gibt es Sensoren?", "answer": "Ja, zehn Stück."}],
    )
    second = await make_challenge(call, "familien", title="Stadtrundgang für Familien")
    return call, first, second


async def test_call_page_lists_its_challenges_as_cards(client):
    call, first, second = await _call_with_challenges()
    text = (await client.get(f"/calls/{call['slug']}")).text
    section = text.split('id="challenges"')[1].split("</section>")[0]
    assert section.index("Stadtbäume im Klimawandel") < section.index("Stadtrundgang für Familien")
    assert f'href="/calls/{call["slug"]}/challenges/stadtbaeume"' in section
    assert "Amt für Stadtgrün und Gewässer" in section
    assert "Stadtbäume leiden unter Hitze und Trockenheit." in section  # a line of the problem
    assert "Worum es geht" not in section and "<strong>" not in section
    assert "2 Datensätze" in section and "Testflächen" in section
    assert "30.000,00\xa0€" in section  # pilot budget
    assert "je 2.500,00\xa0€ für 2 Plätze" in section  # stipend
    english = await client.get(f"/calls/{call['slug']}", headers={"Accept-Language": "en"})
    assert "€2,500.00 each for 2 places" in english.text


async def test_a_call_without_challenges_has_no_challenge_section(client):
    call = await make_call()
    text = (await client.get(f"/calls/{call['slug']}")).text
    assert 'id="challenges"' not in text
    ics = (await client.get(f"/calls/{call['slug']}/dates.ics")).text
    assert "DESCRIPTION" not in ics


async def test_challenge_page_shows_everything_a_team_needs(web):
    call, first, _ = await _call_with_challenges()
    page = await web.get(f"/calls/{call['slug']}/challenges/stadtbaeume")
    assert page.status_code == 200
    text = page.text
    for part in (
        "<h1",
        "Stadtbäume im Klimawandel",
        "<strong>leiden</strong>",
        "Anwohnende und Baumpatenschaften",
        "Weniger vertrocknete Jungbäume",
        "Keine personenbezogenen Daten",
        'href="https://opendata.leipzig.de/dataset/baumkataster"',
        "Testfeld am Lindenauer Hafen",
        "Sprechstunde mit dem Amt für Stadtgrün",
        "Karl Kontakt",
        "Mia Mentor",
        "Amt für Stadtgrün und Gewässer",
        "30.000,00\xa0€ für ein Pilotprojekt von 8 Monaten",
        "2 Plätze",
        "2.500,00\xa0€ pro Platz",
        "Gibt es Sensoren?",
        "Ja, zehn Stück.",
        f'href="/calls/{call["slug"]}/apply?challenge=stadtbaeume"',
        "Auf diese Challenge bewerben",
    ):
        assert part in text, part
    assert "javascript:" not in text and "Gefährlich" not in text


async def test_challenge_page_offers_applying_only_while_the_call_is_open(web):
    now = datetime.now(UTC)
    call, _, _ = await _call_with_challenges(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(minutes=1)
    )
    text = (await web.get(f"/calls/{call['slug']}/challenges/stadtbaeume")).text
    assert "/apply?challenge=" not in text
    assert "Dieser Aufruf ist geschlossen." in text


async def test_challenge_page_is_404_unless_public(web):
    call, first, second = await _call_with_challenges()
    slug = call["slug"]
    assert (await web.get(f"/calls/{slug}/challenges/unbekannt")).status_code == 404
    await Challenge.update({Challenge.status: "withdrawn", Challenge.key: None}).where(
        Challenge.id == second["id"]
    )
    assert (await web.get(f"/calls/{slug}/challenges/familien")).status_code == 404
    drafted = await make_challenge(call, "entwurf", status="draft")
    assert drafted["status"] == "draft"
    assert (await web.get(f"/calls/{slug}/challenges/entwurf")).status_code == 404
    other = await make_call()
    assert (await web.get(f"/calls/{other['slug']}/challenges/stadtbaeume")).status_code == 404

    draft_call, _, _ = await _call_with_challenges(status="draft")
    path = f"/calls/{draft_call['slug']}/challenges/stadtbaeume"
    assert (await web.get(path)).status_code == 404
    staff = await make_user(roles=("staff",))
    await login(web, staff["email"])
    preview = await web.get(path)
    assert preview.status_code == 200 and "Vorschau" in preview.text


async def test_call_pdf_has_a_section_per_challenge(client):
    call, _, second = await _call_with_challenges()
    response = await client.get(f"/calls/{call['slug']}/call.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join("".join(page.extract_text() for page in reader.pages).split())
    assert "Stadtbäume im Klimawandel" in text
    assert "Stadtrundgang für Familien" in text
    assert "Amt für Stadtgrün und Gewässer" in text
    assert "Stadtbäume leiden unter Hitze und Trockenheit." in text

    # a challenge changed after the PDF was issued: the next download is a new version
    await Challenge.update({Challenge.title: "Rundgang für Familien"}).where(
        Challenge.id == second["id"]
    )
    again = await client.get(f"/calls/{call['slug']}/call.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(again.content)).pages)
    assert "Rundgang für Familien" in text and "Stadtrundgang" not in text


async def test_calendar_names_the_challenges(client):
    call, _, _ = await _call_with_challenges()
    ics = (await client.get(f"/calls/{call['slug']}/dates.ics")).text
    unfolded = ics.replace("\r\n ", "")
    assert (
        "DESCRIPTION:Challenges:\\n– Stadtbäume im Klimawandel (Amt für Stadtgrün und" in unfolded
    )
    assert "Stadtrundgang für Familien" in unfolded
    assert unfolded.count("DESCRIPTION:") == unfolded.count("BEGIN:VEVENT")


async def test_home_page_shows_the_open_calls_challenges(client):
    now = datetime.now(UTC)
    title = f"Smart City Challenge {uuid.uuid4().hex[:6]}"
    call, _, _ = await _call_with_challenges(title=title)
    past = await make_call(
        title="Vorjahresaufruf",
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=300),
    )
    await make_challenge(past, "alt", title="Alte Challenge")
    text = (await client.get("/")).text
    open_section = text.split('id="open-calls"')[1].split("</section>")[0]
    card = open_section.split(title)[1].split("</article>")[0]
    assert f'href="/calls/{call["slug"]}/challenges/stadtbaeume"' in card
    assert "Stadtrundgang für Familien" in card
    assert "Amt für Stadtgrün und Gewässer" in card
    assert "30.000,00\xa0€" in card
    assert "Alte Challenge" not in text


async def test_call_card_and_page_escape_challenge_texts(web):
    call = await make_call()
    row = await Call.select(Call.id).where(Call.slug == call["slug"]).first()
    assert row is not None
    await make_challenge(
        call,
        "xss",
        title="<script>alert(1)</script>Titel",
        problem="<img src=x onerror=alert(2)> [x](javascript:alert(3))",
        faq=[{"question": "<b>Frage</b>", "answer": "<i>Antwort</i>"}],
    )
    for path in (f"/calls/{call['slug']}", f"/calls/{call['slug']}/challenges/xss", "/"):
        text = (await web.get(path)).text
        assert "<script>alert(1)" not in text and "<img" not in text
        assert 'href="javascript:' not in text and "<b>Frage" not in text
