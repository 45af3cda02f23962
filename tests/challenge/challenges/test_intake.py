"""Challenge intake (issue 17, point 1): staff create units and invite members, a unit drafts a
challenge and hands it in, staff review it, approved challenges join a call."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from challenge.challenges.tables import ChallengeEvent
from tests.support.factories import make_call
from tests.support.web import api, login, make_user, spooled_mails, text_of

DRAFT = {
    "title": "Urbane Umweltdaten – sehen & verstehen",
    "problem": "Messdaten zu Luft und Lärm liegen verstreut vor.",
    "affected": "Bewohnerinnen und Bewohner",
    "outcome": "Daten werden verständlich.",
    "contact_name": "Dr. Petra Umwelt",
    "mentor_name": "Max Mentor",
    "offer": {
        "datasets": [{"title": "Luftmessnetz", "url": "https://opendata.leipzig.de/luft"}],
        "infrastructure": "Sensoren am Rathaus",
        "staff_access": "Zwei Termine mit dem Amt",
    },
    "constraints": "DSGVO; Betrieb nach dem Pilot klären",
}


async def _unit_with_member(client, staff, name=None):
    name = name or f"Amt für Umweltschutz {uuid.uuid4().hex[:6]}"
    await login(client, staff["email"])
    unit = await api(client, "POST", "/api/v1/units", {"name": name, "kind": "city_office"})
    assert unit.status_code == 201, unit.text
    member = await make_user(name="Ute Unit")
    added = await api(
        client,
        "POST",
        f"/api/v1/units/{unit.json()['id']}/members",
        {"email": member["email"], "name": "Ute Unit"},
    )
    assert added.status_code == 201, added.text
    await api(client, "POST", "/api/v1/auth/logout")
    client.cookies.clear()
    return unit.json(), member


@pytest.fixture
async def staff():
    return await make_user(roles=("staff",), name="Stefan Staff")


async def test_unit_drafts_submits_and_staff_approve(client, staff, deliver_mail, settings):
    unit, member = await _unit_with_member(client, staff)
    await login(client, member["email"])
    created = await api(client, "POST", "/api/v1/challenges", {"unit_id": unit["id"], **DRAFT})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "draft" and body["key"] is None
    assert body["pilot_budget_cents"] == 2_500_000
    assert body["places"] == 3 and body["stipend_cents"] == 200_000
    submitted = await api(client, "POST", f"/api/v1/challenges/{body['id']}/submit")
    assert submitted.json()["status"] == "proposed"
    locked = await api(client, "PATCH", f"/api/v1/challenges/{body['id']}", {"title": "Neu"})
    assert locked.status_code == 409 and locked.json()["code"] == "challenge_locked"
    refused = await api(
        client, "POST", f"/api/v1/challenges/{body['id']}/review", {"decision": "approve"}
    )
    assert refused.status_code == 403

    client.cookies.clear()
    await login(client, staff["email"])
    asked = await api(
        client,
        "POST",
        f"/api/v1/challenges/{body['id']}/review",
        {"decision": "request_changes", "comment": "Bitte Budget begründen."},
    )
    assert asked.json()["status"] == "changes_requested"
    await deliver_mail()
    mails = spooled_mails(settings.mail_dir, member["email"])
    assert any("Bitte Budget begründen." in text_of(m) for m in mails)

    client.cookies.clear()
    await login(client, member["email"])
    changed = await api(
        client, "PATCH", f"/api/v1/challenges/{body['id']}", {"pilot_budget_cents": 2_000_000}
    )
    assert changed.status_code == 200 and changed.json()["pilot_budget_cents"] == 2_000_000
    assert (await api(client, "POST", f"/api/v1/challenges/{body['id']}/submit")).status_code == 200

    client.cookies.clear()
    await login(client, staff["email"])
    approved = await api(
        client, "POST", f"/api/v1/challenges/{body['id']}/review", {"decision": "approve"}
    )
    assert approved.json()["status"] == "approved"
    history = await api(client, "GET", f"/api/v1/challenges/{body['id']}/events")
    assert [e["action"] for e in history.json()] == [
        "created",
        "submitted",
        "request_changes",
        "submitted",
        "approve",
    ]


async def test_decline_needs_a_reason_and_outsiders_see_nothing(client, staff):
    unit, member = await _unit_with_member(client, staff, name="Tourismus und Marketing (Test)")
    await login(client, member["email"])
    created = await api(client, "POST", "/api/v1/challenges", {"unit_id": unit["id"], **DRAFT})
    challenge_id = created.json()["id"]
    await api(client, "POST", f"/api/v1/challenges/{challenge_id}/submit")

    client.cookies.clear()
    outsider = await make_user()
    await login(client, outsider["email"])
    assert (await api(client, "GET", f"/api/v1/challenges/{challenge_id}")).status_code == 404
    assert (await api(client, "GET", "/api/v1/challenges")).json() == []
    foreign = await api(client, "POST", "/api/v1/challenges", {"unit_id": unit["id"], **DRAFT})
    assert foreign.status_code == 403

    client.cookies.clear()
    await login(client, staff["email"])
    no_reason = await api(
        client, "POST", f"/api/v1/challenges/{challenge_id}/review", {"decision": "decline"}
    )
    assert no_reason.status_code == 422
    before = await ChallengeEvent.count().where(ChallengeEvent.challenge == challenge_id)
    declined = await api(
        client,
        "POST",
        f"/api/v1/challenges/{challenge_id}/review",
        {"decision": "decline", "comment": "Passt nicht in dieses Jahr."},
    )
    assert declined.json()["status"] == "declined"
    assert (
        await ChallengeEvent.count().where(ChallengeEvent.challenge == challenge_id) == before + 1
    )
    again = await api(
        client, "POST", f"/api/v1/challenges/{challenge_id}/review", {"decision": "approve"}
    )
    assert again.status_code == 409 and again.json()["code"] == "challenge_not_reviewable"


async def test_staff_attach_approved_challenges_to_a_call(client, staff):
    unit, member = await _unit_with_member(client, staff, name="Amt für Verkehrsplanung (Test)")
    await login(client, staff["email"])
    call = await make_call(
        status="draft",
        opens_at=datetime.now(UTC) + timedelta(days=5),
        closes_at=datetime.now(UTC) + timedelta(days=30),
    )
    ids = []
    for title in ("Parken", "Radwege"):
        made = await api(
            client, "POST", "/api/v1/challenges", {"unit_id": unit["id"], **DRAFT, "title": title}
        )
        ids.append(made.json()["id"])
    draft_only = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/challenges",
        {"challenge_id": ids[0], "key": "parken"},
    )
    assert draft_only.status_code == 409 and draft_only.json()["code"] == "challenge_not_approved"
    for challenge_id in ids:
        await api(client, "POST", f"/api/v1/challenges/{challenge_id}/submit")
        await api(
            client, "POST", f"/api/v1/challenges/{challenge_id}/review", {"decision": "approve"}
        )
    first = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/challenges",
        {"challenge_id": ids[0], "key": "parken"},
    )
    assert first.status_code == 201 and first.json()["key"] == "parken"
    taken = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/challenges",
        {"challenge_id": ids[1], "key": "parken"},
    )
    assert taken.status_code == 409 and taken.json()["code"] == "key_taken"
    bad_key = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/challenges",
        {"challenge_id": ids[1], "key": "Rad Wege"},
    )
    assert bad_key.status_code == 422
    await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/challenges",
        {"challenge_id": ids[1], "key": "radwege", "position": 0},
    )
    listed = await api(client, "GET", f"/api/v1/calls/{call['slug']}/challenges")
    assert [c["key"] for c in listed.json()] == ["radwege", "parken"]
    withdrawn = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/challenges/parken/withdraw",
        {"reason": "Doppelt"},
    )
    assert withdrawn.json()["status"] == "withdrawn"
    listed = await api(client, "GET", f"/api/v1/calls/{call['slug']}/challenges")
    assert [c["key"] for c in listed.json()] == ["radwege"]


async def test_a_challenge_asks_its_own_questions_after_the_call(client, staff):
    unit, member = await _unit_with_member(client, staff, name="Amt für Statistik (Test)")
    await login(client, staff["email"])
    call = await make_call(
        status="draft",
        opens_at=datetime.now(UTC) + timedelta(days=5),
        questions=[{"key": "problem", "label": "Problem?", "type": "long_text"}],
    )
    question = {"key": "daten", "label": "Welche Daten nutzen Sie?", "type": "text"}
    clashing = {"key": "problem", "label": "Noch einmal?", "type": "text"}
    bad = await api(
        client,
        "POST",
        "/api/v1/challenges",
        {"unit_id": unit["id"], **DRAFT, "questions": [question, question]},
    )
    assert bad.status_code == 422
    made = await api(
        client,
        "POST",
        "/api/v1/challenges",
        {"unit_id": unit["id"], **DRAFT, "questions": [question, clashing]},
    )
    assert made.status_code == 201 and made.json()["questions"][0]["key"] == "daten"
    challenge_id = made.json()["id"]
    await api(client, "POST", f"/api/v1/challenges/{challenge_id}/submit")
    await api(client, "POST", f"/api/v1/challenges/{challenge_id}/review", {"decision": "approve"})
    attach = {"challenge_id": challenge_id, "key": "statistik"}
    clash = await api(client, "POST", f"/api/v1/calls/{call['slug']}/challenges", attach)
    assert clash.status_code == 422 and clash.json()["code"] == "question_key_clash"
    fixed = await api(
        client, "PATCH", f"/api/v1/challenges/{challenge_id}", {"questions": [question]}
    )
    assert fixed.status_code == 200
    attached = await api(client, "POST", f"/api/v1/calls/{call['slug']}/challenges", attach)
    assert attached.status_code == 201
