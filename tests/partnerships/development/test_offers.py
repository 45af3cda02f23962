"""The offer (issue 18, point 3): the challenge's sum and duration rules, the SPDX licence,
optimistic saves, the deadline to the second, freezing with a SHA-256 and the receipt, who may
read and write it, the page without JavaScript and the presentation PDF."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from challenge.calls.tables import Call
from challenge.jury.tables import Juror
from challenge.platform import clock
from challenge.platform.i18n import BERLIN
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.development.offers.services import content_of, sha256_of
from partnerships.development.tables import DevelopmentPhase
from tests.conftest import http_client
from tests.support.factories import make_call, make_challenge, make_team, make_unit
from tests.support.files import PNG, multipart, pdf
from tests.support.web import api, csrf, login, make_user, post_form, spooled_mails, text_of

BUDGET, MONTHS = 25_000_00, 6


async def selected(*, published=True, due_in=timedelta(days=20)):
    """An entry selected for the development phase of a fresh call; returns facts and users."""
    now = datetime.now(UTC).replace(microsecond=0)
    made = await make_call(
        status="results_published" if published else "closed",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
        results_published_at=now - timedelta(days=5) if published else None,
    )
    call = await Call.select().where(Call.slug == made["slug"]).first()
    unit_member = await make_user(name="Ulla Unit")
    unit = await make_unit(members=[unit_member["id"]])
    challenge = await make_challenge(
        made, "a", unit=unit, pilot_budget_cents=BUDGET, pilot_months=MONTHS
    )
    owner = await make_user(name="Tina Team")
    team = await make_team(owner["id"], name=f"Team {uuid.uuid4().hex[:6]}")
    submission = Submission(
        call=call["id"],
        organisation=team["id"],
        challenge=challenge["id"],
        title="Kühle Wege",
        status="submitted",
        reference=f"SCC-{uuid.uuid4().hex[:8]}",
        submitted_at=now - timedelta(days=70),
        created_at=now,
    )
    await submission.save()
    await Decision(
        call=call["id"],
        submission=submission.id,
        outcome="development",
        award_cents=2_000_00,
        rationale="Gut",
        created_at=now,
    ).save()
    due = now + due_in
    await DevelopmentPhase(
        call=call["id"],
        starts_on=(now - timedelta(days=10)).date(),
        ends_on=due.date(),
        offer_due_at=due,
        created_at=now,
    ).save()
    return {
        "id": submission.id,
        "url": f"/api/v1/submissions/{submission.id}/offer",
        "page": f"/development/{submission.id}/offer",
        "call": call,
        "owner": owner,
        "unit_member": unit_member,
        "due": due,
    }


def offer(**overrides):
    body = {
        "scope": "Schattenkarte für drei Quartiere",
        "goals": "Kühlere Wege",
        "indicators": "500 Nutzungen pro Woche",
        "months": 6,
        "milestones": [
            {"title": "Prototyp", "deliverables": "Karte", "month": 2, "amount_cents": 8_000_00},
            {"title": "Betrieb", "deliverables": "Bericht", "month": 6, "amount_cents": 12_000_00},
        ],
        "costs": [
            {"category": "Personal", "description": "Entwicklung", "amount_cents": 15_000_00},
            {"category": "Sachkosten", "description": "Sensoren", "amount_cents": 5_000_00},
        ],
        "followup_cents_per_year": 3_000_00,
        "operation": "Betrieb durch das Amt",
        "personal_data": "keine",
        "hosting": "Rechenzentrum der Stadt",
        "open_source": {"intent": True, "licence": "EUPL-1.2", "repository_plan": "OpenCoDE"},
        "version": 0,
    }
    body.update(overrides)
    return body


@pytest.fixture
async def world(app):
    entry = await selected()
    clients = []

    async def as_user(user):
        client = http_client(app)
        await client.__aenter__()
        await login(client, user["email"])
        clients.append(client)
        return client

    entry["team"] = await as_user(entry["owner"])
    entry["as_user"] = as_user
    yield entry
    for client in clients:
        await client.__aexit__(None, None, None)


def fields(response) -> dict:
    return {e["field"]: e for e in response.json().get("errors", [])}


async def test_the_draft_stores_the_sum_of_its_cost_lines(world):
    saved = await api(world["team"], "PUT", world["url"], offer())
    assert saved.status_code == 200, saved.text
    assert saved.json()["total_cents"] == 20_000_00
    assert saved.json()["version"] == 1 and saved.json()["status"] == "draft"
    shown = await api(world["team"], "GET", world["url"])
    assert shown.json()["costs"][1]["description"] == "Sensoren"


async def test_the_challenges_months_and_budget_limit_the_offer(world):
    too_long = await api(world["team"], "PUT", world["url"], offer(months=MONTHS + 1))
    assert too_long.status_code == 422 and "months" in fields(too_long)
    costs = [
        {"category": "Personal", "amount_cents": 20_000_00},
        {"category": "IT", "amount_cents": 5_000_01},
    ]
    too_much = await api(world["team"], "PUT", world["url"], offer(costs=costs))
    assert too_much.status_code == 422 and "costs" in fields(too_much)
    assert (await api(world["team"], "GET", world["url"])).json()["version"] == 0  # nothing stored
    costs[1]["amount_cents"] = 5_000_00  # exactly the budget
    assert (await api(world["team"], "PUT", world["url"], offer(costs=costs))).status_code == 200


@pytest.mark.parametrize("licence", ["CC-BY-4.0", "Nie-gehoert-1.0", "mit"])
async def test_open_source_intent_needs_an_osi_approved_spdx_licence(world, licence):
    source = {"intent": True, "licence": licence}
    refused = await api(world["team"], "PUT", world["url"], offer(open_source=source))
    assert refused.status_code == 422 and "open_source.licence" in fields(refused)
    listed = {row["id"] for row in (await api(world["team"], "GET", "/api/v1/licences")).json()}
    assert {"EUPL-1.2", "MIT", "Apache-2.0"} <= listed and "CC-BY-4.0" not in listed


async def test_a_save_on_an_old_version_is_a_conflict(world):
    assert (await api(world["team"], "PUT", world["url"], offer())).json()["version"] == 1
    again = await api(world["team"], "PUT", world["url"], offer(scope="Zweiter Tab"))
    assert again.status_code == 409 and again.json()["code"] == "version_conflict"
    assert again.json()["current"]["version"] == 1
    assert (await api(world["team"], "PUT", world["url"], offer(version=1))).json()["version"] == 2
    stale = await api(world["team"], "PUT", world["url"], offer(version=1, scope="Alt"))
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    assert (await api(world["team"], "GET", world["url"])).json()["scope"] != "Alt"


async def test_the_deadline_holds_to_the_second_and_keeps_the_draft(app, world):
    world = {**world, **await selected(due_in=timedelta(minutes=2))}
    world["team"] = await world["as_user"](world["owner"])
    late = await selected(due_in=timedelta(minutes=2))
    late["team"] = await world["as_user"](late["owner"])
    for entry in (world, late):
        assert (await api(entry["team"], "PUT", entry["url"], offer())).status_code == 200
    with clock.frozen(world["due"] - timedelta(seconds=1)):
        accepted = await api(world["team"], "POST", world["url"] + "/submit")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "submitted"
    for moment in (late["due"], late["due"] + timedelta(seconds=1)):
        with clock.frozen(moment):
            refused = await api(late["team"], "POST", late["url"] + "/submit")
            changed = await api(late["team"], "PUT", late["url"], offer(version=1, scope="Neu"))
        assert refused.status_code == 422 and refused.json()["code"] == "deadline_passed"
        assert changed.status_code == 422 and changed.json()["code"] == "deadline_passed"
    kept = (await api(late["team"], "GET", late["url"])).json()
    assert kept["status"] == "draft" and kept["version"] == 1
    assert kept["scope"] == offer()["scope"] and kept["sha256"] is None


async def test_a_submitted_offer_is_frozen_with_its_checksum(world, settings, deliver_mail):
    await api(world["team"], "PUT", world["url"], offer())
    submitted = await api(world["team"], "POST", world["url"] + "/submit")
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert body["sha256"] == sha256_of(content_of(body, None))
    changed = await api(world["team"], "PUT", world["url"], offer(version=body["version"]))
    assert changed.status_code == 409 and changed.json()["code"] == "offer_submitted"
    again = await api(world["team"], "POST", world["url"] + "/submit")
    assert again.status_code == 409
    upload = await _upload(world["team"], world["url"] + "/presentation", pdf("spät"))
    assert upload.status_code == 409
    assert (await api(world["team"], "GET", world["url"])).json()["sha256"] == body["sha256"]
    receipt = await world["team"].get(world["page"] + "/receipt")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.content)).pages)
    assert "Prüfsumme" in text and body["sha256"][:16] in text.replace("\n", "")
    await deliver_mail()
    mail = spooled_mails(settings.mail_dir, world["owner"]["email"])[-1]
    # the mail names the offer; the checksum is the receipt's (no hash in words to people)
    assert "Prüfsumme" in text_of(mail) and body["sha256"] not in text_of(mail)


async def test_an_incomplete_offer_cannot_be_submitted(world):
    await api(world["team"], "PUT", world["url"], offer(scope="", milestones=[]))
    refused = await api(world["team"], "POST", world["url"] + "/submit")
    assert refused.status_code == 422
    assert {"scope", "milestones"} <= set(fields(refused))
    assert (await api(world["team"], "GET", world["url"])).json()["status"] == "draft"


async def test_team_unit_and_staff_read_jurors_and_others_do_not(app, world):
    await api(world["team"], "PUT", world["url"], offer())
    unit = await world["as_user"](world["unit_member"])
    staff = await world["as_user"](await make_user(roles=("staff",)))
    juror_user = await make_user(name="Jana Jury")
    await Juror(
        call=world["call"]["id"], user=juror_user["id"], invited_at=datetime.now(UTC)
    ).save()
    juror = await world["as_user"](juror_user)
    other_owner = await make_user()
    await make_team(other_owner["id"], name=f"Andere {uuid.uuid4().hex[:6]}")
    other = await world["as_user"](other_owner)
    for client in (unit, staff):
        assert (await api(client, "GET", world["url"])).status_code == 200
        assert (await client.get(world["page"])).status_code == 200
        assert (await api(client, "PUT", world["url"], offer(version=1))).status_code == 403
        assert (await api(client, "POST", world["url"] + "/submit")).status_code == 403
    for client in (juror, other):
        assert (await api(client, "GET", world["url"])).status_code == 404
        assert (await client.get(world["page"])).status_code == 404
        assert (await api(client, "PUT", world["url"], offer(version=1))).status_code == 404


async def test_the_team_sees_nothing_before_the_results_are_published(app, world):
    early = await selected(published=False)
    team = await world["as_user"](early["owner"])
    assert (await api(team, "GET", early["url"])).status_code == 404
    assert (await api(team, "PUT", early["url"], offer())).status_code == 404
    assert (await team.get(early["page"])).status_code == 404


def form(**overrides):
    data = {
        "version": "0",
        "scope": "Schattenkarte",
        "months": "6",
        "m0_title": "Prototyp",
        "m0_month": "2",
        "m0_amount": "12.500,50",
        "m0_deliverables": "",
        "m1_title": "",
        "m1_month": "",
        "m1_amount": "",
        "m1_deliverables": "",
        "c0_category": "Personal",
        "c0_description": "Entwicklung",
        "c0_amount": "12.500,50",
        "c1_category": "",
        "c1_description": "",
        "c1_amount": "",
        "followup": "1.000",
        "os_intent": "1",
        "os_licence": "EUPL-1.2",
        "action": "save",
    }
    data.update(overrides)
    return data


async def test_the_page_works_without_javascript(world):
    team = world["team"]
    page = await team.get(world["page"])
    assert page.status_code == 200 and 'name="m0_title"' in page.text
    due = world["due"].astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M")
    assert f"Abgabe des Angebots bis {due} Uhr" in page.text
    wrong = await post_form(team, world["page"], form(months="9", c0_amount="12,5,0"))
    assert wrong.status_code == 422
    assert "Das Pilotprojekt dauert höchstens" in wrong.text and 'value="12,5,0"' in wrong.text
    assert 'id="error-costs.0.amount_cents"' in wrong.text  # the amount's own message
    assert 'value="Prototyp"' in wrong.text  # what was typed is kept
    saved = await post_form(team, world["page"], form())
    assert saved.status_code == 303 and saved.headers["location"].endswith("?saved=1")
    stored = (await api(team, "GET", world["url"])).json()
    assert stored["total_cents"] == 12_500_50 and stored["followup_cents_per_year"] == 1_000_00
    more = await post_form(team, world["page"], form(version="1", action="add_milestone"))
    assert more.status_code == 303 and "m_extra=3" in more.headers["location"]
    rows = await team.get(more.headers["location"].split("#")[0])
    assert 'name="m5_title"' in rows.text  # one filled, two blank, three added
    unconfirmed = await post_form(team, world["page"] + "/submit", {})
    assert unconfirmed.status_code == 422
    done = await post_form(team, world["page"] + "/submit", {"confirm": "1"})
    assert done.status_code == 303
    view = await team.get(world["page"] + "?submitted=1")
    assert "/offer/receipt" in view.text and 'name="m0_title"' not in view.text


async def test_the_read_only_view_for_the_unit(world):
    await api(world["team"], "PUT", world["url"], offer())
    unit = await world["as_user"](world["unit_member"])
    page = await unit.get(world["page"])
    assert page.status_code == 200
    assert "Schattenkarte für drei Quartiere" in page.text and 'name="scope"' not in page.text


async def _upload(client, url, content, filename="praesentation.pdf"):
    body, content_type = multipart(filename, content)
    return await client.post(
        url, content=body, headers={"content-type": content_type, "x-csrftoken": await csrf(client)}
    )


async def test_the_presentation_is_a_pdf_read_by_team_unit_and_staff(world):
    url = world["url"] + "/presentation"
    assert (await _upload(world["team"], url, PNG, "folie.png")).status_code in (415, 422)
    assert (await _upload(world["team"], url, PNG, "folie.pdf")).status_code in (415, 422)
    stored = await _upload(world["team"], url, pdf("Pitch"))
    assert stored.status_code == 200, stored.text
    document = stored.json()["presentation"]["document_id"]
    unit = await world["as_user"](world["unit_member"])
    other = await world["as_user"](await make_user())
    assert (await unit.get(f"/api/v1/documents/{document}")).status_code == 200
    assert (await other.get(f"/api/v1/documents/{document}")).status_code in (403, 404)
    assert (await _upload(unit, url, pdf("Amt"))).status_code == 403


async def test_autosave_answers_a_status_line_and_the_new_version(world):
    team = world["team"]
    saved = await post_form(team, world["page"] + "/autosave", form())
    assert saved.status_code == 200 and "automatisch gespeichert" in saved.text
    assert 'name="version" value="1"' in saved.text
    stale = await post_form(team, world["page"] + "/autosave", form(scope="Zweiter Tab"))
    assert "inzwischen gespeichert" in stale.text
    assert (await api(team, "GET", world["url"])).json()["scope"] == "Schattenkarte"
    page = await team.get(world["page"] + "?saved=1")
    assert "Der Entwurf ist gespeichert." in page.text and 'value="12500,50"' in page.text


async def test_the_page_refuses_a_presentation_that_is_no_pdf(world):
    body, content_type = multipart("folie.png", PNG)
    token = await csrf(world["team"])
    refused = await world["team"].post(
        world["page"] + f"/presentation?_csrf_token={token}",
        content=body,
        headers={"content-type": content_type},
    )
    assert refused.status_code in (415, 422)
    assert 'id="error-file"' in refused.text and 'name="m0_title"' in refused.text
    body, content_type = multipart("pitch.pdf", pdf("Pitch"))
    stored = await world["team"].post(
        world["page"] + f"/presentation?_csrf_token={token}",
        content=body,
        headers={"content-type": content_type},
    )
    assert stored.status_code == 303 and stored.headers["location"].endswith("?uploaded=1")
    page = await world["team"].get(stored.headers["location"])
    assert "Die Präsentation ist gespeichert." in page.text and "pitch.pdf" in page.text
