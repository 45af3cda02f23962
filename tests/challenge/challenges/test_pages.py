"""Challenge intake through the HTML pages (issue 17, points 1 and 2): a unit drafts, loses nothing
on an error and hands in; staff run units, review, attach, order and withdraw."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge, ChallengeEvent, UnitMember
from tests.support.factories import make_call, make_challenge, make_unit
from tests.support.web import login, make_user, post_form

FORM = {
    "title": "Urbane Umweltdaten – sehen & verstehen",
    "problem": "Messdaten zu **Luft** und Lärm liegen verstreut vor.",
    "affected": "Bewohnerinnen und Bewohner",
    "outcome": "Daten werden verständlich.",
    "contact_name": "Dr. Petra Umwelt",
    "mentor_name": "Max Mentor",
    "dataset_title_0": "Luftmessnetz",
    "dataset_url_0": "https://opendata.leipzig.de/luft",
    "dataset_title_1": "",
    "dataset_url_1": "",
    "infrastructure": "Sensoren am Rathaus",
    "staff_access": "Zwei Termine mit dem Amt",
    "constraints": "DSGVO",
    "pilot_budget_cents": "30.000,00",
    "pilot_months": "6",
    "places": "3",
    "stipend_cents": "2.500,00",
    "questions": "",
}


@pytest.fixture
async def staff():
    return await make_user(roles=("staff",), name="Stefan Staff")


async def _member(unit_name: str | None = None):
    member = await make_user(name="Ute Unit")
    unit = await make_unit(unit_name, members=[member["id"]])
    return unit, member


async def _draft(client, unit, **changes) -> str:
    created = await post_form(
        client,
        "/unit/challenges/new",
        {**FORM, "unit_id": str(unit["id"]), **changes},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    return created.headers["location"].split("?")[0].rsplit("/", 1)[1]


async def test_unit_drafts_keeps_typed_data_on_error_and_hands_in(client):
    unit, member = await _member()
    await login(client, member["email"])
    empty = await client.get("/unit/challenges")
    assert empty.status_code == 200 and "/unit/challenges/new" in empty.text
    form = await client.get("/unit/challenges/new")
    assert (
        form.status_code == 200 and "25000,00" in form.text and 'name="dataset_url_2"' in form.text
    )

    wrong = await post_form(
        client,
        "/unit/challenges/new",
        {**FORM, "pilot_budget_cents": "30.000,5x", "dataset_url_1": "opendata"},
    )
    assert wrong.status_code == 422
    assert "Luftmessnetz" in wrong.text and "30.000,5x" in wrong.text
    assert "Zwei Termine mit dem Amt" in wrong.text and 'value="opendata"' in wrong.text
    assert await Challenge.count().where(Challenge.unit == unit["id"]) == 0

    challenge_id = await _draft(client, unit)
    row = (
        await Challenge.select().where(Challenge.id == challenge_id).output(load_json=True).first()
    )
    assert row["pilot_budget_cents"] == 3_000_000 and row["stipend_cents"] == 250_000
    assert row["offer"]["datasets"] == [
        {"title": "Luftmessnetz", "url": "https://opendata.leipzig.de/luft"}
    ]
    page = await client.get(f"/unit/challenges/{challenge_id}?notice=created")
    assert page.status_code == 200
    assert "Entwurf" in page.text and "<strong>Luft</strong>" in page.text
    assert "30000,00" in page.text  # the edit form, amounts as typed back

    bad_edit = await post_form(
        client, f"/unit/challenges/{challenge_id}", {**FORM, "title": "", "mentor_name": "Neu"}
    )
    assert bad_edit.status_code == 422 and 'value="Neu"' in bad_edit.text
    saved = await post_form(
        client,
        f"/unit/challenges/{challenge_id}",
        {**FORM, "title": "Umweltdaten verstehen"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    listed = await client.get("/unit/challenges")
    assert "Umweltdaten verstehen" in listed.text and "Entwurf" in listed.text
    handed = await post_form(
        client, f"/unit/challenges/{challenge_id}/submit", {}, follow_redirects=False
    )
    assert handed.status_code == 303
    page = await client.get(handed.headers["location"])
    assert "Wartet auf Prüfung" in page.text and "Zur Prüfung eingereicht" in page.text
    assert f'action="/unit/challenges/{challenge_id}/submit"' not in page.text
    locked = await post_form(client, f"/unit/challenges/{challenge_id}", FORM)
    assert locked.status_code == 409


async def test_hand_in_needs_a_problem_and_a_contact(client):
    unit, member = await _member()
    await login(client, member["email"])
    challenge_id = await _draft(client, unit, problem="", contact_name="")
    refused = await post_form(client, f"/unit/challenges/{challenge_id}/submit", {})
    assert refused.status_code == 422 and "error-summary" in refused.text
    row = await Challenge.select(Challenge.status).where(Challenge.id == challenge_id).first()
    assert row["status"] == "draft"


async def test_units_see_only_their_own_challenges(client):
    unit_x, member_x = await _member()
    unit_y, member_y = await _member()
    await login(client, member_y["email"])
    foreign = await _draft(client, unit_y)
    client.cookies.clear()
    await login(client, member_x["email"])
    assert (await client.get(f"/unit/challenges/{foreign}")).status_code == 404
    assert (await post_form(client, f"/unit/challenges/{foreign}", FORM)).status_code == 404
    assert (await post_form(client, f"/unit/challenges/{foreign}/submit", {})).status_code == 404
    sneaky = await post_form(
        client,
        "/unit/challenges/new",
        {**FORM, "unit_id": str(unit_y["id"])},
        follow_redirects=False,
    )
    assert sneaky.status_code == 303  # the draft goes to the member's own unit
    assert await Challenge.count().where(Challenge.unit == unit_y["id"]) == 1
    assert await Challenge.count().where(Challenge.unit == unit_x["id"]) == 1

    client.cookies.clear()
    outsider = await make_user()
    await login(client, outsider["email"])
    for path in ("/unit/challenges", "/unit/challenges/new", f"/unit/challenges/{foreign}"):
        assert (await client.get(path)).status_code in (403, 404), path
    assert (await post_form(client, "/unit/challenges/new", FORM)).status_code == 403
    assert (await client.get("/staff/challenges")).status_code == 403
    assert (await client.get("/staff/units")).status_code == 403


async def test_staff_run_units_through_pages(client, staff):
    await login(client, staff["email"])
    made = await post_form(
        client,
        "/staff/units",
        {"name": "Amt für Umweltschutz", "kind": "city_office"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    unit_path = made.headers["location"]
    twice = await post_form(
        client, "/staff/units", {"name": "Amt für Umweltschutz", "kind": "other"}
    )
    assert twice.status_code == 409 and "Amt für Umweltschutz" in twice.text
    invited = await post_form(
        client, f"{unit_path}/members", {"email": "ute@example.org", "name": "Ute Unit"}
    )
    assert invited.status_code == 200 and "ute@example.org" in invited.text
    bad = await post_form(client, f"{unit_path}/members", {"email": "kein-mail", "name": "X Y"})
    assert bad.status_code == 422 and 'value="kein-mail"' in bad.text
    unit_id = unit_path.rsplit("/", 1)[1]
    member = await UnitMember.select(UnitMember.id).where(UnitMember.unit == unit_id).first()
    confirm = await client.get(f"{unit_path}/members/{member['id']}/remove")
    assert confirm.status_code == 200 and "Ute Unit" in confirm.text
    removed = await post_form(
        client, f"{unit_path}/members/{member['id']}/remove", {}, follow_redirects=False
    )
    assert removed.status_code == 303
    assert await UnitMember.count().where(UnitMember.unit == unit_id) == 0
    listed = await client.get("/staff/units")
    assert "Amt für Umweltschutz" in listed.text


async def test_staff_review_attach_move_and_withdraw(client, staff):
    unit, member = await _member()
    await login(client, member["email"])
    first = await _draft(client, unit, title="Parken")
    second = await _draft(client, unit, title="Radwege")
    for challenge_id in (first, second):
        await post_form(client, f"/unit/challenges/{challenge_id}/submit", {})

    client.cookies.clear()
    await login(client, staff["email"])
    waiting = await client.get("/staff/challenges?status=proposed")
    assert "Parken" in waiting.text and "Wartet auf Prüfung" in waiting.text
    no_reason = await post_form(
        client, f"/staff/challenges/{first}/review", {"decision": "decline", "comment": ""}
    )
    assert (
        no_reason.status_code == 422 and 'id="decision-decline" name="decision"' in no_reason.text
    )
    asked = await post_form(
        client,
        f"/staff/challenges/{first}/review",
        {"decision": "request_changes", "comment": "Bitte Budget begründen."},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    client.cookies.clear()
    await login(client, member["email"])
    page = await client.get(f"/unit/challenges/{first}")
    assert "Bitte Budget begründen." in page.text and "Nachbesserung angefordert" in page.text
    await post_form(client, f"/unit/challenges/{first}/submit", {})

    client.cookies.clear()
    await login(client, staff["email"])
    for challenge_id in (first, second):
        approved = await post_form(
            client,
            f"/staff/challenges/{challenge_id}/review",
            {"decision": "approve"},
            follow_redirects=True,
        )
        assert approved.status_code == 200 and "Für einen Aufruf freigegeben" in approved.text
    call = await make_call(
        status="draft",
        title="Smart City Challenge 2027",
        opens_at=datetime.now(UTC) + timedelta(days=5),
        closes_at=datetime.now(UTC) + timedelta(days=30),
    )
    detail = await client.get(f"/staff/challenges/{first}")
    assert "Smart City Challenge 2027" in detail.text and f'value="{call["slug"]}"' in detail.text
    bad_key = await post_form(
        client, f"/staff/challenges/{first}/attach", {"call": call["slug"], "key": "Par ken"}
    )
    assert bad_key.status_code == 422 and 'value="Par ken"' in bad_key.text
    for challenge_id, key in ((first, "parken"), (second, "radwege")):
        attached = await post_form(
            client,
            f"/staff/challenges/{challenge_id}/attach",
            {"call": call["slug"], "key": key},
            follow_redirects=False,
        )
        assert attached.status_code == 303
    base = f"/staff/calls/{call['slug']}/challenges"
    listing = await client.get(base)
    assert listing.text.index("Parken") < listing.text.index("Radwege")
    moved = await post_form(
        client, f"{base}/radwege/move", {"direction": "up"}, follow_redirects=False
    )
    assert moved.status_code == 303
    listing = await client.get(base)
    assert listing.text.index("Radwege") < listing.text.index("Parken")

    confirm = await client.get(f"{base}/parken/withdraw")
    assert confirm.status_code == 200 and "Parken" in confirm.text
    no_reason = await post_form(client, f"{base}/parken/withdraw", {"reason": " "})
    assert no_reason.status_code == 422
    done = await post_form(
        client, f"{base}/parken/withdraw", {"reason": "Doppelt"}, follow_redirects=False
    )
    assert done.status_code == 303
    listing = await client.get(base)
    assert "Parken" not in listing.text and "Radwege" in listing.text
    events = await ChallengeEvent.select(ChallengeEvent.action, ChallengeEvent.comment).where(
        ChallengeEvent.challenge == first
    )
    assert {"action": "withdrawn", "comment": "Doppelt"} in events
    assert (await client.get(f"{base}/parken/withdraw")).status_code == 404


async def test_staff_edit_before_the_call_opens(client, staff):
    call = await make_call(opens_at=datetime.now(UTC) - timedelta(days=1))
    attached = await make_challenge(call, "offen", title="Offene Challenge")
    await login(client, staff["email"])
    form = await client.get(f"/staff/challenges/{attached['id']}/edit")
    assert form.status_code == 200 and "Offene Challenge" in form.text
    refused = await post_form(
        client, f"/staff/challenges/{attached['id']}/edit", {**FORM, "title": "Neu"}
    )
    assert refused.status_code == 409 and 'value="Neu"' in refused.text


async def test_pages_speak_english_to_english_members(client):
    member = await make_user(name="Una Unit", locale="en")
    unit = await make_unit(members=[member["id"]])
    await login(client, member["email"])
    form = await client.get("/unit/challenges/new")
    assert "Draft a challenge" in form.text and "25000.00" in form.text
    challenge_id = await _draft(client, unit, pilot_budget_cents="30,000.00", stipend_cents="2,500")
    row = await Challenge.select(Challenge.pilot_budget_cents).where(Challenge.id == challenge_id)
    assert row[0]["pilot_budget_cents"] == 3_000_000
    await post_form(client, f"/unit/challenges/{challenge_id}/submit", {})
    listed = await client.get("/unit/challenges")
    assert "Waiting for review" in listed.text and ">proposed<" not in listed.text


async def test_a_unit_writes_the_challenges_faq_and_the_public_page_shows_it(client):
    member = await make_user()
    unit = await make_unit(members=[member["id"]])
    await login(client, member["email"])
    created = await post_form(
        client,
        "/unit/challenges/new",
        {
            "unit_id": str(unit["id"]),
            "title": "Schatten im Park",
            "problem": "Zu heiß.",
            "contact_name": "Katrin Vogel",
            "pilot_budget_cents": "25.000,00",
            "stipend_cents": "2.000,00",
            "pilot_months": "6",
            "places": "3",
            "faq": "Gibt es Strom im Park? | Ja, an zwei Stellen.",
        },
    )
    assert created.status_code == 303, created.text
    challenge_id = created.headers["location"].rsplit("/", 1)[-1].split("?")[0]
    page = await client.get(f"/unit/challenges/{challenge_id}")
    assert "Gibt es Strom im Park? | Ja, an zwei Stellen." in page.text  # kept in the form
    call = await make_call()
    call_id = (await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"]
    await Challenge.update(
        {Challenge.status: "approved", Challenge.call: call_id, Challenge.key: "park"}
    ).where(Challenge.id == challenge_id)
    public = await client.get(f"/calls/{call['slug']}/challenges/park")
    assert "Gibt es Strom im Park?" in public.text and "Ja, an zwei Stellen." in public.text
