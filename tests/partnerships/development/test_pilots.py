"""Pilot decisions (issue 18, point 5): at most one pilot per challenge (also under twenty
parallel decisions) or none, only from a submitted offer, a draft contract equal to the offer's
plan with the open-source bonus only for open-source intent under an OSI-approved licence."""

import asyncio
import re

from partnerships.development.tables import PilotDecision
from partnerships.tables import Milestone, Partnership
from tests.partnerships.conftest import role_client
from tests.partnerships.development.pilot_world import decide, offer_values, pilot_call
from tests.support.web import api, post_form


async def pilots_of(call) -> int:
    return await Partnership.count().where(
        (Partnership.call == call["id"]) & (Partnership.kind == "pilot")
    )


async def test_the_pilot_contract_equals_the_offers_plan(app, clients):
    call, challenge, entries = await pilot_call()
    answer = await decide(clients["staff"], call, entries[0]["id"])
    assert answer.status_code == 201, answer.text
    decision = answer.json()
    assert decision["pilot"] is True and decision["reference"] == entries[0]["reference"]
    contract = await api(
        clients["staff"], "GET", f"/api/v1/partnerships/{decision['partnership_id']}"
    )
    body = contract.json()
    assert body["kind"] == "pilot" and body["status"] == "draft"
    assert body["title"] == "Schattige Wege 1"
    assert "Schattenkarte für drei Quartiere" in body["scope"] and "Kühlere Wege" in body["scope"]
    assert body["city_unit"].startswith("Amt für Umwelt")
    assert (body["start_date"], body["end_date"]) == ("2027-03-01", "2027-08-31")
    plan = [(m["title"], m["amount_cents"], m["due_date"], m["kind"]) for m in body["milestones"]]
    assert plan == [
        ("Prototyp im Testgebiet", 8_000_00, "2027-04-30", "regular"),
        ("Betrieb und Auswertung", 12_000_00, "2027-08-31", "regular"),
        ("Open-Source-Bonus", 10_000_00, "2027-08-31", "open_source_bonus"),
    ]
    assert body["total_cents"] == 20_000_00 + 10_000_00


async def test_no_bonus_without_intent_or_with_a_non_osi_licence(app, clients):
    for values in (offer_values(intent=False), offer_values(licence="BUSL-1.1")):
        call, _challenge, entries = await pilot_call(teams=1, offers=[values])
        answer = await decide(clients["staff"], call, entries[0]["id"])
        assert answer.status_code == 201, answer.text
        rows = await Milestone.select(Milestone.kind, Milestone.amount_cents).where(
            Milestone.partnership == answer.json()["partnership_id"]
        )
        assert [r["kind"] for r in rows] == ["regular", "regular"]
        total = (
            await Partnership.select(Partnership.total_cents)
            .where(Partnership.id == answer.json()["partnership_id"])
            .first()
        )
        assert total["total_cents"] == 20_000_00


async def test_the_bonus_follows_the_calls_cap(app, clients):
    call, _challenge, entries = await pilot_call(teams=1, bonus_cap=5_000_00)
    answer = await decide(clients["staff"], call, entries[0]["id"])
    bonus = (
        await Milestone.select(Milestone.amount_cents)
        .where(
            (Milestone.partnership == answer.json()["partnership_id"])
            & (Milestone.kind == "open_source_bonus")
        )
        .first()
    )
    assert bonus["amount_cents"] == 5_000_00


async def test_a_pilot_needs_a_submitted_offer(app, clients):
    call, _challenge, entries = await pilot_call(
        teams=2, offers=[offer_values(status="draft"), None]
    )
    for entry in entries:
        answer = await decide(clients["staff"], call, entry["id"])
        assert answer.status_code == 422 and answer.json()["code"] == "offer_not_submitted"
    assert await pilots_of(call) == 0
    assert not await PilotDecision.exists().where(PilotDecision.call == call["id"])


async def test_a_pilot_needs_a_team_of_that_challenge_in_the_development_phase(app, clients):
    call, _challenge, _entries = await pilot_call(teams=1)
    other, _c, strangers = await pilot_call(teams=1)
    answer = await decide(clients["staff"], call, strangers[0]["id"])
    assert answer.status_code == 422 and answer.json()["code"] == "not_selected"
    assert await pilots_of(call) == 0 and await pilots_of(other) == 0


async def test_an_offer_above_the_budget_is_refused(app, clients):
    call, _challenge, entries = await pilot_call(teams=1, budget=15_000_00)
    answer = await decide(clients["staff"], call, entries[0]["id"])
    assert answer.status_code == 422 and answer.json()["code"] == "exceeds_budget"
    assert await pilots_of(call) == 0


async def test_one_pilot_per_challenge_and_no_pilot_needs_a_rationale(app, clients):
    call, _challenge, entries = await pilot_call()
    assert (await decide(clients["staff"], call, entries[0]["id"])).status_code == 201
    for submission_id in (entries[1]["id"], None):
        again = await decide(clients["staff2"], call, submission_id)
        assert again.status_code == 422 and again.json()["code"] == "one_pilot_per_challenge"
    assert await pilots_of(call) == 1

    none_call, _c, _e = await pilot_call(teams=1)
    empty = await decide(clients["staff"], none_call, None, rationale=" ")
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "rationale"
    nothing = await decide(clients["staff"], none_call, None, rationale="Kein Angebot ist reif")
    assert nothing.status_code == 201 and nothing.json()["pilot"] is False
    listed = await api(clients["staff"], "GET", f"/api/v1/calls/{none_call['slug']}/pilots")
    assert listed.json()[0]["decision"]["rationale"] == "Kein Angebot ist reif"
    assert await pilots_of(none_call) == 0


async def test_twenty_parallel_decisions_make_exactly_one_pilot(app, clients):
    call, _challenge, entries = await pilot_call(teams=2)
    answers = await asyncio.gather(
        *(decide(clients["staff"], call, entries[n % 2]["id"]) for n in range(20))
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [422] * 19, [a.text for a in answers if a.status_code not in (201, 422)]
    assert {a.json()["code"] for a in answers if a.status_code == 422} == {
        "one_pilot_per_challenge"
    }
    assert await pilots_of(call) == 1
    assert await PilotDecision.count().where(PilotDecision.call == call["id"]) == 1


async def test_only_staff_decide(app, clients):
    call, _challenge, entries = await pilot_call(teams=1)
    team = await role_client(app)
    try:
        answer = await decide(team, call, entries[0]["id"])
        assert answer.status_code == 403
        assert (await api(team, "GET", f"/api/v1/calls/{call['slug']}/pilots")).status_code == 403
    finally:
        await team.__aexit__(None, None, None)
    assert await pilots_of(call) == 0


async def test_staff_edit_the_draft_and_the_bonus_survives_and_counts_when_sending(app, clients):
    call, _challenge, entries = await pilot_call(teams=1)
    decision = (await decide(clients["staff"], call, entries[0]["id"])).json()
    url = f"/api/v1/partnerships/{decision['partnership_id']}"
    plan = {
        "title": "Kühle Wege – Pilot",
        "scope": "Drei Quartiere",
        "city_unit": "Amt für Umwelt",
        "start_date": "2027-03-01",
        "end_date": "2027-08-31",
        "total_cents": 30_000_00,
        "milestones": [
            {"title": "Prototyp", "due_date": "2027-05-31", "amount_cents": 5_000_00},
            {"title": "Test", "due_date": "2027-06-30", "amount_cents": 5_000_00},
            {"title": "Betrieb", "due_date": "2027-08-31", "amount_cents": 10_000_00},
        ],
    }
    edited = await api(clients["staff"], "PUT", url, plan)
    assert edited.status_code == 200, edited.text
    kinds = [(m["title"], m["kind"]) for m in edited.json()["milestones"]]
    assert kinds[-1] == ("Open-Source-Bonus", "open_source_bonus") and len(kinds) == 4
    wrong = await api(clients["staff"], "PUT", url, {**plan, "total_cents": 20_000_00})
    assert wrong.status_code == 200
    refused = await api(clients["staff"], "POST", f"{url}/send")
    assert refused.status_code == 422 and refused.json()["code"] == "plan_incomplete"
    await api(clients["staff"], "PUT", url, plan)
    sent = await api(clients["staff"], "POST", f"{url}/send")
    assert sent.status_code == 200, sent.text


async def test_the_staff_page_decides_with_confirmation_and_links_the_contract(app, clients):
    call, _challenge, entries = await pilot_call(
        teams=2, offers=[offer_values(), offer_values(status="draft")]
    )
    page = await clients["staff"].get(f"/staff/calls/{call['slug']}/pilots")
    assert page.status_code == 200
    assert entries[0]["reference"] in page.text and entries[1]["reference"] in page.text
    assert "20.000,00" in page.text
    form = {"challenge": "a", "submission_id": str(entries[0]["id"]), "rationale": "Reif"}
    headers = {"x-csrftoken": await _csrf(clients["staff"])}
    unconfirmed = await clients["staff"].post(
        f"/staff/calls/{call['slug']}/pilots", data=form, headers=headers
    )
    assert unconfirmed.status_code == 422 and await pilots_of(call) == 0
    done = await clients["staff"].post(
        f"/staff/calls/{call['slug']}/pilots", data={**form, "confirm": "yes"}, headers=headers
    )
    assert done.status_code == 303
    page = await clients["staff"].get(f"/staff/calls/{call['slug']}/pilots")
    pilot = await Partnership.select(Partnership.id).where(Partnership.call == call["id"]).first()
    assert f"/staff/partnerships/{pilot['id']}" in page.text
    assert 'name="rationale"' not in page.text


async def _csrf(client):
    from tests.support.web import csrf

    return await csrf(client)


async def test_the_edit_page_keeps_one_bonus_when_staff_save_it(app, clients):
    call, _challenge, entries = await pilot_call(teams=1)
    decision = (await decide(clients["staff"], call, entries[0]["id"])).json()
    edit = f"/staff/partnerships/{decision['partnership_id']}/edit"
    page = await clients["staff"].get(edit)
    assert page.status_code == 200 and "Open-Source-Bonus" in page.text
    form = dict(re.findall(r'name="([^"]+)" (?:[^>]*?)value="([^"]*)"', page.text))
    form.pop("row_action", None)  # the row buttons; a browser sends only the button pressed
    saved = await post_form(clients["staff"], edit, form)
    assert saved.status_code == 303, saved.text
    body = (
        await api(clients["staff"], "GET", f"/api/v1/partnerships/{decision['partnership_id']}")
    ).json()
    kinds = [m["kind"] for m in body["milestones"]]
    assert kinds.count("open_source_bonus") == 1 and kinds[-1] == "open_source_bonus"
    # and the form did not save the bonus a second time as a regular milestone
    assert [m["title"] for m in body["milestones"]].count("Open-Source-Bonus") == 1
