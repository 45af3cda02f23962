"""The people's prize through its JSON API (issue 21 point 4): staff open a voting, teams consent,
verified accounts vote once per challenge (changeable until the close), integrity rules, voiding
and results after the close only."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from challenge.participation.prize import integrity
from challenge.participation.tables import PrizeVote
from challenge.platform import clock
from challenge.platform.audit.tables import AuditEntry
from challenge.platform.security import ratelimit
from tests.challenge.participation.prize_world import build, candidate
from tests.conftest import http_client
from tests.support.web import api

HOUR = timedelta(hours=1)
WEEK = timedelta(days=7)
# open_world's voting closes an hour from now; this much later it is closed (and the test's
# sessions, idle at most 8 hours, still live)
AFTER_CLOSE = 3 * HOUR


@pytest.fixture
async def world(app):
    built = await build(app)
    yield built
    await built.close()


async def open_world(world, consent=True):
    response = await world.open(-HOUR, 2 * HOUR)
    assert response.status_code == 200, response.text
    if consent:
        await world.consent_all()
    for role in ("r1", "r2"):
        await world.person(role)
    return response


async def test_only_staff_open_a_voting_of_proposals_not_withdrawn(app, world):
    await world.person("resident")
    body = {
        "opens_at": datetime.now(UTC).isoformat(),
        "closes_at": (datetime.now(UTC) + WEEK).isoformat(),
        "candidates": [str(world.proposals["a1"])],
    }
    async with http_client(app) as anonymous:
        refused = await api(anonymous, "POST", f"/api/v1/calls/{world.slug}/vote", body)
    assert refused.status_code == 401
    forbidden = await api(
        world.client("resident"), "POST", f"/api/v1/calls/{world.slug}/vote", body
    )
    assert forbidden.status_code == 403
    withdrawn = await world.open(HOUR, WEEK, names=("a1", "w"))
    assert withdrawn.status_code == 422
    assert withdrawn.json()["errors"][0]["field"] == "candidates"
    backwards = await world.open(HOUR, -HOUR)
    assert backwards.status_code == 422 and backwards.json()["code"] == "validation_error"
    assert await candidate(world, "a1") is None  # nothing stored by the refusals
    made = await world.open(HOUR, WEEK)
    assert made.status_code == 200, made.text
    assert made.json()["state"] == "upcoming"
    assert sorted(c["title"] for c in made.json()["candidates"]) == [
        "Vorschlag A1",
        "Vorschlag A2",
        "Vorschlag B1",
    ]
    assert not any(c["consented"] for c in made.json()["candidates"])


async def test_reposting_before_the_opening_changes_it_and_once_open_candidates_stay(world):
    assert (await world.open(HOUR, WEEK)).status_code == 200
    changed = await world.open(2 * HOUR, WEEK, names=("a1", "b1"))
    assert changed.status_code == 200
    assert len(changed.json()["candidates"]) == 2
    assert await candidate(world, "a2") is None
    with clock.frozen(datetime.now(UTC) + 3 * HOUR):
        removed = await world.open(2 * HOUR - 3 * HOUR, WEEK, names=("a1",))
    assert removed.status_code == 422


async def test_a_vote_is_changed_not_added_and_shows_on_the_ballot(world):
    await open_world(world)
    first = await world.vote("r1", "a", "a1")
    assert first.status_code == 200, first.text
    second = await world.vote("r1", "a", "a2")
    assert second.status_code == 200
    other = await world.vote("r1", "b", "b1")
    assert other.status_code == 200
    rows = await PrizeVote.select(PrizeVote.challenge_key, PrizeVote.candidate).where(
        PrizeVote.user == world.users["r1"]["id"]
    )
    assert len(rows) == 2
    ballot = (await api(world.client("r1"), "GET", f"/api/v1/calls/{world.slug}/vote")).json()
    mine = {c["key"]: c["my_vote"] for c in ballot["challenges"]}
    assert mine == {"a": str(world.proposals["a2"]), "b": str(world.proposals["b1"])}


async def test_twenty_parallel_votes_of_one_account_leave_one_row(world):
    """Last write wins: of 20 parallel votes the row holds one of the choices, never two rows."""
    await open_world(world)
    answers = await asyncio.gather(
        *(world.vote("r1", "a", "a1" if n % 2 else "a2") for n in range(20))
    )
    assert [a.status_code for a in answers] == [200] * 20
    rows = await PrizeVote.select(PrizeVote.candidate).where(
        PrizeVote.user == world.users["r1"]["id"]
    )
    assert len(rows) == 1
    ids = {(await candidate(world, n))["id"] for n in ("a1", "a2")}
    assert rows[0]["candidate"] in ids


async def test_voting_before_the_opening_and_after_the_close_is_refused(world):
    await world.open(HOUR, 2 * HOUR)
    await world.consent_all()
    await world.person("r1")
    early = await world.vote("r1", "a", "a1")
    assert early.status_code == 422 and early.json()["code"] == "voting_closed"
    with clock.frozen(datetime.now(UTC) + 4 * HOUR):
        late = await world.vote("r1", "a", "a1")
    assert late.status_code == 422 and late.json()["code"] == "voting_closed"
    assert await PrizeVote.count().where(PrizeVote.user == world.users["r1"]["id"]) == 0


async def test_throwaway_addresses_and_anonymous_visitors_cannot_vote(app, world):
    await open_world(world)
    await world.person("throwaway", email="wegwerf-123@mailinator.com")
    refused = await world.vote("throwaway", "a", "a1")
    assert refused.status_code == 422 and refused.json()["code"] == "disposable_email"
    assert integrity.is_disposable("eu.mailinator.com")
    async with http_client(app) as anonymous:
        response = await api(
            anonymous,
            "PUT",
            f"/api/v1/calls/{world.slug}/vote/a",
            {"submission_id": str(world.proposals["a1"])},
        )
    assert response.status_code == 401
    assert await PrizeVote.count().where(PrizeVote.candidate.voting.call == world.call_id) == 0


async def test_only_consented_candidates_of_that_challenge_take_votes(world):
    await open_world(world, consent=False)
    await world.consent_all(names=("a1", "b1"))
    not_consented = await world.vote("r1", "a", "a2")
    assert not_consented.status_code == 422
    assert not_consented.json()["errors"][0]["field"] == "submission_id"
    wrong_challenge = await world.vote("r1", "b", "a1")
    assert wrong_challenge.status_code == 422
    unknown = await world.vote("r1", "zz", "a1")
    assert unknown.status_code == 404
    ballot = (await api(world.client("r1"), "GET", f"/api/v1/calls/{world.slug}/vote")).json()
    titles = [c["title"] for group in ballot["challenges"] for c in group["candidates"]]
    assert titles == ["Vorschlag A1", "Vorschlag B1"]


async def test_votes_are_limited_per_ip_address_and_per_mail_domain(world):
    await open_world(world)
    ip = "10.77.0.1"
    for _ in range(integrity.PER_IP.limit):
        await ratelimit.hit(integrity.PER_IP, ip)
    async with http_client(world.app, ip=ip) as same_network:
        same_network.cookies = world.client("r1").cookies
        response = await api(
            same_network,
            "PUT",
            f"/api/v1/calls/{world.slug}/vote/a",
            {"submission_id": str(world.proposals["a1"])},
        )
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    await world.person("domain", email="wer@vielstimmen-domain.example")
    for _ in range(integrity.PER_DOMAIN.limit):
        await ratelimit.hit(integrity.PER_DOMAIN, "vielstimmen-domain.example")
    limited = await world.vote("domain", "a", "a1")
    assert limited.status_code == 429
    assert (await world.vote("r2", "a", "a1")).status_code == 200  # others still vote


async def test_results_only_after_the_close_voided_votes_left_out_and_counted(world):
    await open_world(world)
    for role in ("r3", "r4", "r5"):
        await world.person(role)
    for role, name in (("r1", "a1"), ("r2", "a1"), ("r3", "a2"), ("r4", "a2"), ("r5", "a2")):
        assert (await world.vote(role, "a", name)).status_code == 200
    assert (await world.vote("r1", "b", "b1")).status_code == 200
    results_url = f"/api/v1/calls/{world.slug}/vote/results"
    early = await api(world.client("staff"), "GET", results_url)
    assert early.status_code == 409 and early.json()["code"] == "voting_not_closed"
    ip_of_r3 = (
        await PrizeVote.select(PrizeVote.ip).where(PrizeVote.user == world.users["r3"]["id"])
    )[0]["ip"]
    void_url = f"/api/v1/calls/{world.slug}/vote/void"
    body = {"reason": "Viele Stimmen aus einem Netz", "ip": ip_of_r3}
    assert (await api(world.client("r1"), "POST", void_url, body)).status_code == 403
    voided = await api(world.client("staff"), "POST", void_url, body)
    assert voided.status_code == 200 and voided.json() == {"voided": 1}
    entry = (
        await AuditEntry.select()
        .where(
            (AuditEntry.action == "prize.votes_voided")
            & (AuditEntry.object_id == str(world.call_id))
        )
        .first()
    )
    assert entry is not None and "Viele Stimmen" in str(entry["payload"])
    with clock.frozen(datetime.now(UTC) + AFTER_CLOSE):
        results = await api(world.client("r1"), "GET", results_url)
    assert results.status_code == 200, results.text
    found = results.json()
    a = next(group for group in found["challenges"] if group["key"] == "a")
    assert [(c["title"], c["votes"], c["winner"]) for c in a["candidates"]] == [
        ("Vorschlag A1", 2, True),
        ("Vorschlag A2", 2, True),
    ]
    assert (a["total"], a["voided"]) == (4, 1)
    assert (found["total"], found["voided"]) == (5, 1)
    text = results.text
    for person in world.users.values():
        assert person["email"] not in text and str(person["id"]) not in text
    assert "Geheim" not in text  # team names stay out


async def test_results_of_a_call_without_a_voting_are_not_found(world):
    response = await api(world.client("staff"), "GET", f"/api/v1/calls/{world.slug}/vote/results")
    assert response.status_code == 404


async def test_staff_list_votes_without_people_and_void_single_ones(world):
    await open_world(world)
    assert (await world.vote("r1", "a", "a1")).status_code == 200
    assert (await world.vote("r2", "a", "a1")).status_code == 200
    url = f"/api/v1/calls/{world.slug}/vote/votes"
    assert (await api(world.client("r1"), "GET", url)).status_code == 403
    listed = await api(world.client("staff"), "GET", url)
    assert listed.status_code == 200 and listed.json()["total"] == 2
    items = listed.json()["items"]
    assert all(item["submission_id"] is None for item in items)  # no standings while open
    for person in world.users.values():
        assert person["email"] not in listed.text and str(person["id"]) not in listed.text
    voided = await api(
        world.client("staff"),
        "POST",
        f"/api/v1/calls/{world.slug}/vote/void",
        {"reason": "Doppelte Person", "vote_ids": [items[0]["id"]]},
    )
    assert voided.json() == {"voided": 1}
    nothing = await api(
        world.client("staff"),
        "POST",
        f"/api/v1/calls/{world.slug}/vote/void",
        {"reason": "Ohne Auswahl"},
    )
    assert nothing.status_code == 422 and nothing.json()["code"] == "validation_error"
    assert (
        await PrizeVote.count().where(
            PrizeVote.voided_at.is_not_null() & (PrizeVote.voting.call == world.call_id)
        )
        == 1
    )


async def test_a_call_without_challenges_has_one_ballot_named_dash(app, world):
    from challenge.calls.tables import Call
    from tests.support.factories import make_call

    now = datetime.now(UTC)
    plain = await make_call(opens_at=now - 40 * WEEK / 7, closes_at=now - WEEK)
    world.slug = plain["slug"]
    world.call_id = (await Call.select(Call.id).where(Call.slug == plain["slug"]).first())["id"]
    await world.proposal("p1", None)
    await world.proposal("p2", None)
    assert (await world.open(-HOUR, 2 * HOUR, names=("p1", "p2"))).status_code == 200
    await world.consent_all(names=("p1", "p2"))
    await world.person("r1")
    assert (await world.vote("r1", "a", "p1")).status_code == 404  # no challenge "a" here
    assert (await world.vote("r1", "-", "p1")).status_code == 200
    assert (await world.vote("r1", "-", "p2")).status_code == 200
    with clock.frozen(datetime.now(UTC) + AFTER_CLOSE):
        results = await api(world.client("r1"), "GET", f"/api/v1/calls/{world.slug}/vote/results")
    groups = results.json()["challenges"]
    assert [(g["key"], g["total"], g["winners"]) for g in groups] == [("-", 1, ["Vorschlag P2"])]
