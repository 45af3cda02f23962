"""What the review of the development phase found, each now a refusal or a rule: a pilot draft
kept within its budget, the pitch's video link kept off the public page, odd numbers refused
instead of crashing, the offer on the project page only with consent."""

from partnerships.development.tables import Offer
from tests.partnerships.development.pilot_world import decide, pilot_call
from tests.partnerships.development.test_bonus import active_pilot
from tests.partnerships.development.test_pitch import close, pitch_world, schedule
from tests.support.web import api, post_form


async def test_a_pilot_draft_stays_within_the_budget_and_its_bonus(app, clients):
    call, _challenge, entries = await pilot_call(teams=1)  # budget 25,000 €, bonus 10,000 €
    decision = (await decide(clients["staff"], call, entries[0]["id"])).json()
    url = f"/api/v1/partnerships/{decision['partnership_id']}"
    plan = {
        "title": "Pilot",
        "start_date": "2027-03-01",
        "end_date": "2027-08-31",
        "total_cents": 40_000_00,
        "milestones": [{"title": "Alles", "due_date": "2027-08-31", "amount_cents": 30_000_00}],
    }
    before = (await api(clients["staff"], "GET", url)).json()["total_cents"]
    refused = await api(clients["staff"], "PUT", url, plan)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["total_cents"]
    assert (await api(clients["staff"], "GET", url)).json()["total_cents"] == before
    # the budget plus the bonus is the most it may carry
    allowed = await api(clients["staff"], "PUT", url, {**plan, "total_cents": 35_000_00})
    assert allowed.status_code == 200, allowed.text


async def test_a_video_link_stays_off_the_public_call_page(app, clients, client):
    call, _challenges, _entries, jurors = await pitch_world(app, clients["staff"])
    secret = "https://meet.example.org/geheimer-raum"
    answer = await schedule(clients["staff"], call, place="", video_url=secret)
    assert answer.status_code == 200, answer.text
    page = (await client.get(f"/calls/{call['slug']}")).text
    assert "geheimer-raum" not in page and "Online (Videokonferenz)" in page
    await close(jurors)


async def test_numbers_the_database_cannot_hold_are_refused(app, clients):
    call, _challenges, entries, jurors = await pitch_world(app, clients["staff"])
    assert (await schedule(clients["staff"], call)).status_code == 200
    # a score written in superscript digits, and one far too long: a message, not a crash
    for odd in ("²", "9" * 30):
        answer = await post_form(
            jurors["a"],
            f"/jury/calls/{call['slug']}/pitch/{entries['a1']['id']}",
            {"score_maturity": odd, "action": "draft"},
        )
        assert answer.status_code in (303, 422), answer.text
    too_long = await schedule(clients["staff"], call, video_url="https://x.example/" + "a" * 600)
    assert too_long.status_code == 422
    await close(jurors)


async def test_the_project_page_shows_the_offer_only_with_consent(app, clients, client):
    _call, partnership_id, _bonus, partner = await active_pilot(app, clients)
    submission = await api(clients["staff"], "GET", f"/api/v1/partnerships/{partnership_id}")
    submission_id = submission.json()["submission_id"]
    await Offer.update({Offer.consent_publication: True}).where(Offer.submission == submission_id)
    shown = await client.get(f"/projects/{partnership_id}")
    assert shown.status_code == 200 and "Angebot:" in shown.text
    await Offer.update({Offer.consent_publication: False}).where(Offer.submission == submission_id)
    hidden = await client.get(f"/projects/{partnership_id}", headers={"cache-control": "no-cache"})
    assert hidden.status_code == 200 and "Angebot:" not in hidden.text
    await partner.__aexit__(None, None, None)
