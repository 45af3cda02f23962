"""The people's prize pages: the staff page, the team's consent page and notice, the public
ballot and results page in each state, /mitmachen's list, and the demo's closed prize."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from challenge.calls.tables import Call
from challenge.demo import load_demo
from challenge.participation.prize import demo
from challenge.participation.prize.view import open_votings
from challenge.participation.tables import PrizeVote, PrizeVoting
from challenge.platform import clock
from challenge.results.tables import Decision
from tests.challenge.participation.prize_world import build, candidate
from tests.conftest import http_client
from tests.support.web import post_form

HOUR = timedelta(hours=1)


@pytest.fixture
async def world(app):
    built = await build(app)
    yield built
    await built.close()


def prize_path(world) -> str:
    return f"/mitmachen/publikumspreis/{world.slug}"


async def test_staff_page_preselects_the_development_phase_and_others_are_refused(world):
    await Decision(
        call=world.call_id,
        submission=world.proposals["a2"],
        outcome="development",
        created_at=datetime.now(UTC),
    ).save()
    page = await world.client("staff").get(f"/staff/calls/{world.slug}/people-prize")
    assert page.status_code == 200
    html = page.text
    assert "Team A2 Geheim" in html and "Entwicklungsphase" in html
    checked = html.split(f'value="{world.proposals["a2"]}"')[1].split(">")[0]
    assert "checked" in checked
    assert "checked" not in html.split(f'value="{world.proposals["a1"]}"')[1].split(">")[0]
    await world.person("resident")
    refused = await world.client("resident").get(f"/staff/calls/{world.slug}/people-prize")
    assert refused.status_code == 403


async def test_staff_save_the_window_write_a_text_and_the_team_consents(world):
    staff = world.client("staff")
    opens = (datetime.now(UTC) + 2 * HOUR).astimezone(clock_berlin()).strftime("%Y-%m-%dT%H:%M")
    closes = (datetime.now(UTC) + 50 * HOUR).astimezone(clock_berlin()).strftime("%Y-%m-%dT%H:%M")
    bad = await post_form(
        staff,
        f"/staff/calls/{world.slug}/people-prize",
        {"opens_at": closes, "closes_at": opens, "candidates": [str(world.proposals["a1"])]},
    )
    assert bad.status_code == 422 and "nach der Öffnung" in bad.text
    saved = await post_form(
        staff,
        f"/staff/calls/{world.slug}/people-prize",
        {"opens_at": opens, "closes_at": closes, "candidates": [str(world.proposals["a1"])]},
    )
    assert saved.status_code == 303
    text = await post_form(
        staff,
        f"/staff/calls/{world.slug}/people-prize/candidates/{world.proposals['a1']}",
        {"public_title": "Schattige Plätze", "summary": "Mehr Schatten auf den Plätzen der Stadt."},
    )
    assert text.status_code == 303
    team = world.client("team_a1")
    proposal_page = await team.get(f"/submissions/{world.proposals['a1']}")
    assert "Publikumspreis" in proposal_page.text
    assert f"/submissions/{world.proposals['a1']}/people-prize" in proposal_page.text
    consent_page = await team.get(f"/submissions/{world.proposals['a1']}/people-prize")
    assert consent_page.status_code == 200 and "Schattige Plätze" in consent_page.text
    other = await world.client("team_b1").get(f"/submissions/{world.proposals['a1']}/people-prize")
    assert other.status_code == 404
    agreed = await world.consent("a1")
    assert agreed.status_code == 303
    row = await candidate(world, "a1")
    assert row["consented_by"] == world.users["team_a1"]["id"]
    staff_page = await staff.get(f"/staff/calls/{world.slug}/people-prize")
    assert "Team hat zugestimmt" in staff_page.text


def clock_berlin():
    from challenge.platform.i18n import BERLIN

    return BERLIN


async def test_the_public_page_before_during_and_after_the_voting(app, world):
    await world.open(HOUR, 2 * HOUR)
    await world.consent_all()
    async with http_client(app) as anonymous:
        before = await anonymous.get(prize_path(world))
        assert before.status_code == 200
        assert "noch nicht geöffnet" in before.text
        assert "unabhängig" in before.text
        with clock.frozen(datetime.now(UTC) + 90 * timedelta(minutes=1)):
            during = await anonymous.get(prize_path(world))
            assert "Vorschlag A1" in during.text and "/login?next=" in during.text
            assert 'type="radio"' not in during.text
    await world.person("r1")
    with clock.frozen(datetime.now(UTC) + 90 * timedelta(minutes=1)):
        voted = await post_form(
            world.client("r1"),
            prize_path(world),
            {"challenge": "a", "submission_id": str(world.proposals["a2"])},
        )
        assert voted.status_code == 303
        page = await world.client("r1").get(voted.headers["location"])
        assert "Ihre Stimme ist gespeichert" in page.text
        mine = page.text.split(f'value="{world.proposals["a2"]}"')[1].split(">")[0]
        assert "checked" in mine
        wrong = await post_form(
            world.client("r1"),
            prize_path(world),
            {"challenge": "b", "submission_id": str(world.proposals["a2"])},
        )
        assert wrong.status_code == 422 and "nicht gespeichert" in wrong.text
    with clock.frozen(datetime.now(UTC) + 4 * HOUR):
        late = await post_form(
            world.client("r1"),
            prize_path(world),
            {"challenge": "a", "submission_id": str(world.proposals["a1"])},
        )
        assert late.status_code == 422 and "nicht geöffnet" in late.text
        async with http_client(app) as anonymous:
            after = await anonymous.get(prize_path(world))
    assert "Ergebnis" in after.text and "Gültige Stimmen: 1" in after.text
    for person in world.users.values():
        assert person["email"] not in after.text and str(person["id"]) not in after.text
    assert "Geheim" not in after.text


async def test_mitmachen_lists_open_and_recently_closed_votings(world):
    await world.open(-HOUR, 2 * HOUR)
    found = [v for v in await open_votings() if v["href"] == prize_path(world)]
    assert found and found[0]["state"] == "open"
    assert found[0]["title"].startswith("Publikumspreis: ")


async def test_the_demo_has_a_closed_prize_with_counts_on_last_years_call(app, settings):
    await load_demo(settings=settings)
    assert await demo.load(settings) == 0  # idempotent
    call = await Call.select(Call.id).where(Call.slug == "mobilitaet-2025").first()
    voting = await PrizeVoting.select().where(PrizeVoting.call == call["id"]).first()
    assert voting["closes_at"] < datetime.now(UTC)
    votes = await PrizeVote.count().where(PrizeVote.voting == voting["id"])
    voided = await PrizeVote.count().where(
        (PrizeVote.voting == voting["id"]) & PrizeVote.voided_at.is_not_null()
    )
    assert 90 <= votes <= 120 and 0 < voided < votes
    async with http_client(app) as anonymous:
        page = await anonymous.get("/mitmachen/publikumspreis/mobilitaet-2025")
    assert page.status_code == 200
    assert f"Für ungültig erklärte Stimmen: {voided}" in page.text


async def test_staff_void_votes_on_the_page_after_a_confirmation(world):
    await world.open(-HOUR, 2 * HOUR)
    await world.consent_all()
    await world.person("r1")
    await world.person("r2")
    assert (await world.vote("r1", "a", "a1")).status_code == 200
    assert (await world.vote("r2", "a", "a2")).status_code == 200
    staff = world.client("staff")
    page = await staff.get(f"/staff/calls/{world.slug}/people-prize")
    assert "Gültige Stimmen: 2" in page.text and "Meiste Stimmen" not in page.text
    domain = world.users["r1"]["email"].split("@")[1]
    url = f"/staff/calls/{world.slug}/people-prize/void"
    unconfirmed = await post_form(staff, url, {"email_domain": domain, "reason": "Testgrund"})
    assert unconfirmed.status_code == 422 and "bestätigen" in unconfirmed.text
    done = await post_form(
        staff, url, {"email_domain": domain, "reason": "Gleiche Domain", "confirm": "1"}
    )
    assert done.status_code == 303 and done.headers["location"].endswith("void-2")
    again = await world.vote("r1", "a", "a2")
    assert again.status_code == 409 and again.json()["code"] == "vote_voided"
    with clock.frozen(datetime.now(UTC) + 3 * HOUR):
        closed = await staff.get(f"/staff/calls/{world.slug}/people-prize")
        public = await world.client("r2").get(prize_path(world))
    assert "Gleiche Domain" in closed.text and "Ergebnisse" in closed.text
    assert "Für ungültig erklärte Stimmen: 2" in public.text


async def test_a_team_declines_and_its_proposal_stays_off_the_ballot(world):
    await world.open(HOUR, 2 * HOUR)
    team = world.client("team_b1")
    path = f"/submissions/{world.proposals['b1']}/people-prize"
    declined = await post_form(team, path, {"decision": "decline"})
    assert declined.status_code == 303
    row = await candidate(world, "b1")
    assert row["declined_at"] is not None and row["consented_at"] is None
    staff_page = await world.client("staff").get(f"/staff/calls/{world.slug}/people-prize")
    assert "Team hat abgelehnt" in staff_page.text
    with clock.frozen(datetime.now(UTC) + 90 * timedelta(minutes=1)):
        public = await world.client("team_b1").get(prize_path(world))
        text = await post_form(
            world.client("staff"),
            f"/staff/calls/{world.slug}/people-prize/candidates/{world.proposals['a1']}",
            {"public_title": "Neuer Titel", "summary": "Eine neue Kurzbeschreibung."},
        )
    assert "Vorschlag B1" not in public.text
    assert text.status_code == 409  # the texts stay once the voting started


async def test_the_page_in_english_and_without_a_voting(app, world):
    async with http_client(app) as anonymous:
        missing = await anonymous.get(prize_path(world))
        assert missing.status_code == 404
        await world.open(-HOUR, 2 * HOUR)
        english = await anonymous.get(prize_path(world), headers={"accept-language": "en"})
    assert english.status_code == 200
    assert "People's prize" in english.text or "People&#39;s prize" in english.text
    assert "independent" in english.text


async def test_a_persons_votes_are_in_their_export_and_erasure_blanks_the_address(world):
    from challenge.participation.prize import privacy

    await world.open(-HOUR, 2 * HOUR)
    await world.consent_all()
    await world.person("r1")
    assert (await world.vote("r1", "a", "a1")).status_code == 200
    exported = await privacy.export(world.users["r1"]["id"])
    assert [v["candidate"] for v in exported["prize_votes"]] == ["Vorschlag A1"]
    assert await privacy.erase(world.users["r1"]["id"], world.users["r1"]["email"]) == {
        "prize_votes_blanked": 1
    }
    row = await PrizeVote.select().where(PrizeVote.user == world.users["r1"]["id"]).first()
    assert (row["ip"], row["email_domain"], row["voided_at"]) == ("", "", None)
