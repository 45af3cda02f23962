"""The people's prize after the review (M4–M7 and the lows): limits per person and per mail
domain (first votes only), IPv6 by its /64 for limits and voiding, services that check the
permission themselves, consent bound to the text read, no vote after the close, typed offsets on
the staff form, figures cut in SQL, voiding single votes on the staff page, the indexes."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from piccolo.engine.sqlite import SQLiteEngine

from challenge import db
from challenge.participation.prize import ballot, consent, integrity, service, staffing
from challenge.participation.tables import PrizeCandidate, PrizeVote, PrizeVoting
from challenge.platform import clock
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.problems import Problem
from challenge.platform.security import ratelimit
from challenge.platform.security.client_ip import network_key
from tests.challenge.participation.prize_world import build, candidate
from tests.conftest import http_client
from tests.support.web import api, post_form

HOUR = timedelta(hours=1)


@pytest.fixture
async def world(app):
    built = await build(app)
    yield built
    await built.close()


async def open_world(world, roles=("r1", "r2")):
    assert (await world.open(-HOUR, 2 * HOUR)).status_code == 200
    await world.consent_all()
    for role in roles:
        await world.person(role)


def as_current(user: dict, *roles: str) -> CurrentUser:
    return CurrentUser(
        id=user["id"],
        email=user["email"],
        name=user["name"],
        locale="de",
        affiliation="",
        roles=frozenset(roles),
    )


async def call_of(world) -> dict:
    from challenge.calls.services import get_call

    return await get_call(world.slug, include_drafts=True)


def v6_prefix() -> str:
    return f"2001:db8:{random.randint(1, 0xFFFF):x}:{random.randint(1, 0xFFFF):x}"


async def vote_from(world, role: str, ip: str, challenge: str, name: str):
    async with http_client(world.app, ip=ip) as client:
        client.cookies = world.client(role).cookies
        return await api(
            client,
            "PUT",
            f"/api/v1/calls/{world.slug}/vote/{challenge}",
            {"submission_id": str(world.proposals[name])},
        )


async def test_one_person_may_change_their_vote_only_so_often_an_hour(world):
    await open_world(world)
    person = str(world.users["r1"]["id"])
    for _ in range(integrity.PER_PERSON.limit - 2):
        await ratelimit.hit(integrity.PER_PERSON, person)
    assert (await world.vote("r1", "a", "a1")).status_code == 200
    assert (await world.vote("r1", "a", "a2")).status_code == 200  # a change counts too
    refused = await world.vote("r1", "a", "a1")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert (await candidate(world, "a2"))["id"] == (
        await PrizeVote.select(PrizeVote.candidate)
        .where(PrizeVote.user == world.users["r1"]["id"])
        .first()
    )["candidate"]
    assert (await world.vote("r2", "a", "a1")).status_code == 200  # others still vote


async def test_only_a_persons_first_vote_in_a_challenge_counts_for_the_mail_domain(world):
    await open_world(world, roles=())
    domain = f"grossanbieter-{uuid.uuid4().hex[:6]}.example"
    await world.person("busy", email=f"busy@{domain}")
    await world.person("late", email=f"late@{domain}")
    for name in ("a1", "a2", "a1", "a2", "a1"):
        assert (await world.vote("busy", "a", name)).status_code == 200
    assert (await ratelimit.peek(integrity.PER_DOMAIN, domain)).count == 1
    assert (await world.vote("busy", "b", "b1")).status_code == 200
    assert (await ratelimit.peek(integrity.PER_DOMAIN, domain)).count == 2
    for _ in range(integrity.PER_DOMAIN.limit - 2):
        await ratelimit.hit(integrity.PER_DOMAIN, domain)
    new_voter = await world.vote("late", "a", "a1")
    assert new_voter.status_code == 429 and new_voter.json()["code"] == "rate_limited"
    assert (await world.vote("busy", "a", "a2")).status_code == 200  # a change still goes
    assert integrity.PER_DOMAIN.limit >= 1000  # a large provider is not locked out by a few


async def test_addresses_of_one_ipv6_64_share_the_vote_limit_and_are_voided_together(world):
    await open_world(world, roles=("r1", "r2", "r3"))
    prefix = v6_prefix()
    for _ in range(integrity.PER_IP.limit - 2):
        await ratelimit.hit(integrity.PER_IP, f"{prefix}::aaaa")
    assert (await vote_from(world, "r1", f"{prefix}::1", "a", "a1")).status_code == 200
    assert (await vote_from(world, "r2", f"{prefix}:ffff:1:2:3", "a", "a2")).status_code == 200
    rotated = await vote_from(world, "r3", f"{prefix}:9:9:9:9", "a", "a1")
    assert rotated.status_code == 429  # a new address in the same /64 is no way out
    assert (await vote_from(world, "r3", f"{v6_prefix()}::1", "a", "a1")).status_code == 200
    r1_vote = PrizeVote.user == world.users["r1"]["id"]
    stored = {row["ip"] for row in await PrizeVote.select(PrizeVote.ip).where(r1_vote)}
    assert stored == {f"{prefix}::/64"}
    voided = await api(
        world.client("staff"),
        "POST",
        f"/api/v1/calls/{world.slug}/vote/void",
        {"reason": "Ein Netz, viele Adressen", "ip": f"{prefix}::1234"},
    )
    assert voided.status_code == 200 and voided.json() == {"voided": 2}
    listed = await api(
        world.client("staff"), "GET", f"/api/v1/calls/{world.slug}/vote/votes?ip={prefix}::77"
    )
    assert listed.json()["total"] == 2


async def test_an_ipv4_vote_keeps_its_address(world):
    await open_world(world)
    assert (await vote_from(world, "r1", "192.0.2.44", "a", "a1")).status_code == 200
    row = await PrizeVote.select(PrizeVote.ip).where(PrizeVote.user == world.users["r1"]["id"])
    assert row[0]["ip"] == "192.0.2.44" == network_key("192.0.2.44")


async def test_no_vote_is_written_after_the_close_even_after_the_checks(world):
    await open_world(world)
    assert (await world.vote("r1", "a", "a1")).status_code == 200
    voting = await PrizeVoting.select().where(PrizeVoting.call == world.call_id).first()
    a1, a2 = await candidate(world, "a1"), await candidate(world, "a2")
    key = str(a1["challenge"])
    # the checks of cast ran while open; the statement runs a moment after the close
    with clock.frozen(voting["closes_at"]):
        with pytest.raises(Problem) as late:
            await ballot.write_vote(
                voting["id"], key, world.users["r2"]["id"], a1["id"], "192.0.2.1", "x.example"
            )
        assert late.value.code == "voting_closed"
        with pytest.raises(Problem) as change:
            await ballot.write_vote(
                voting["id"], key, world.users["r1"]["id"], a2["id"], "192.0.2.1", "x.example"
            )
        assert change.value.code == "voting_closed"
    with clock.frozen(voting["opens_at"] - timedelta(seconds=1)):
        with pytest.raises(Problem):
            await ballot.write_vote(
                voting["id"], key, world.users["r2"]["id"], a1["id"], "192.0.2.1", "x.example"
            )
    rows = await PrizeVote.select(PrizeVote.user, PrizeVote.candidate).where(
        PrizeVote.voting == voting["id"]
    )
    assert rows == [{"user": world.users["r1"]["id"], "candidate": a1["id"]}]
    with clock.frozen(voting["closes_at"] - timedelta(seconds=1)):
        await ballot.write_vote(
            voting["id"], key, world.users["r1"]["id"], a2["id"], "192.0.2.1", "x.example"
        )
    mine = PrizeVote.user == world.users["r1"]["id"]
    assert (await PrizeVote.select(PrizeVote.candidate).where(mine).first())["candidate"] == a2[
        "id"
    ]


async def test_prize_services_refuse_residents_and_anonymous_callers_themselves(world):
    await open_world(world)
    resident = as_current(await world.person("r1"))
    call = await call_of(world)
    voting = await PrizeVoting.select().where(PrizeVoting.call == world.call_id).first()
    now = datetime.now(UTC)
    attempts = {
        "open_voting": lambda who: service.open_voting(
            who, call, now, now + HOUR, [world.proposals["a1"]]
        ),
        "set_text": lambda who: service.set_text(
            who, call, world.proposals["a1"], "Neuer Titel", "Eine ganz neue Kurzfassung."
        ),
        "votes_for_staff": lambda who: staffing.votes_for_staff(who, call, 1),
        "void": lambda who: staffing.void(who, call, "Weil ich es kann", email_domain="x.de"),
        "staff_figures": lambda who: staffing.staff_figures(who, voting["id"]),
    }
    for name, attempt in attempts.items():
        for who, status in ((resident, 403), (None, 401)):
            with pytest.raises(Problem) as refused:
                await attempt(who)
            assert refused.value.status == status, name
    with pytest.raises(Problem) as anonymous:
        await ballot.cast(None, call, "a", world.proposals["a1"], "192.0.2.9")
    assert anonymous.value.status == 401
    with pytest.raises(Problem) as stranger:
        await consent.decide_consent(resident, world.proposals["a1"], False)
    assert stranger.value.status == 404
    other_team = as_current(world.users["team_b1"])
    with pytest.raises(Problem) as other:
        await consent.decide_consent(other_team, world.proposals["a1"], False)
    assert other.value.status == 404
    assert (await candidate(world, "a1"))["declined_at"] is None
    staff = as_current(world.users["staff"], "staff")
    assert (await staffing.staff_figures(staff, voting["id"]))["total"] == 0


async def test_a_consent_counts_only_for_the_text_the_team_read(world):
    assert (await world.open(HOUR, 2 * HOUR)).status_code == 200
    read = await world.text_seen("a1")
    changed = await post_form(
        world.client("staff"),
        f"/staff/calls/{world.slug}/people-prize/candidates/{world.proposals['a1']}",
        {"public_title": "Schattige Plätze", "summary": "Mehr Schatten auf den Plätzen der Stadt."},
    )
    assert changed.status_code == 303
    stale = await world.consent("a1", read)
    assert stale.status_code == 409
    assert "geändert" in stale.text and "Schattige Plätze" in stale.text  # the new text shown
    assert (await candidate(world, "a1"))["consented_at"] is None
    fresh = await world.consent("a1")
    assert fresh.status_code == 303
    assert (await candidate(world, "a1"))["consented_at"] is not None
    team = as_current(world.users["team_a2"])
    with pytest.raises(Problem) as refused:
        await consent.decide_consent(team, world.proposals["a2"], True, "0" * 32)
    assert refused.value.status == 409 and refused.value.code == "text_changed"
    assert refused.value.extra["public_title"] == "Vorschlag A2"
    row = await candidate(world, "a2")
    assert refused.value.extra["version"] == consent.text_version(
        row["public_title"], row["summary"]
    )
    assert row["consented_at"] is None
    assert (await world.consent("a2", "")).status_code == 303  # a form without one: as shown


async def test_the_staff_form_keeps_a_typed_offset_and_takes_berlin_for_plain_times(world):
    staff = world.client("staff")
    chosen = [str(world.proposals["a1"])]
    url = f"/staff/calls/{world.slug}/people-prize"
    typed = await post_form(
        staff,
        url,
        {
            "opens_at": "2030-01-01T10:00+00:00",
            "closes_at": "2030-01-02T10:00Z",
            "candidates": chosen,
        },
    )
    assert typed.status_code == 303
    voting = await PrizeVoting.select().where(PrizeVoting.call == world.call_id).first()
    assert voting["opens_at"] == datetime(2030, 1, 1, 10, tzinfo=UTC)
    assert voting["closes_at"] == datetime(2030, 1, 2, 10, tzinfo=UTC)
    plain = await post_form(
        staff,
        url,
        {"opens_at": "2030-01-01T10:00", "closes_at": "2030-01-02T10:00", "candidates": chosen},
    )
    assert plain.status_code == 303
    voting = await PrizeVoting.select().where(PrizeVoting.call == world.call_id).first()
    assert voting["opens_at"] == datetime(2030, 1, 1, 9, tzinfo=UTC)  # 10:00 in Berlin (winter)


async def _many_votes(world, count: int) -> dict:
    """count valid votes of one account in made-up challenges, each from its own address, so
    that figures and lists have something to cut (the unique index allows one per challenge)."""
    await open_world(world, roles=("r1",))
    voting = await PrizeVoting.select().where(PrizeVoting.call == world.call_id).first()
    a1 = await candidate(world, "a1")
    now = datetime.now(UTC)
    rows = [
        PrizeVote(
            id=uuid.uuid4(),
            voting=voting["id"],
            challenge_key=f"k{n:03d}",
            user=world.users["r1"]["id"],
            candidate=a1["id"],
            ip=f"198.51.100.{n % (count - 3) + 1}",  # the first three addresses twice
            email_domain="beispiel.example",
            created_at=now + timedelta(seconds=n),
            updated_at=now + timedelta(seconds=n),
        )
        for n in range(count)
    ]
    await PrizeVote.insert(*rows)
    return voting


def of_voting(voting: dict):
    return PrizeVote.voting == voting["id"]


async def test_staff_figures_list_the_twenty_busiest_addresses_most_first(world):
    voting = await _many_votes(world, 28)
    figures = await staffing.staff_figures(as_current(world.users["staff"], "staff"), voting["id"])
    assert figures["total"] == 28
    assert len(figures["ips"]) == staffing.TOP == 20
    assert figures["ips"][:3] == [(f"198.51.100.{n}", 2) for n in (1, 2, 3)]
    assert all(count == 1 for _ip, count in figures["ips"][3:])
    assert figures["domains"] == [("beispiel.example", 28)]


async def test_staff_void_single_votes_on_the_paged_list_after_a_confirmation(world):
    voting = await _many_votes(world, 55)
    staff = world.client("staff")
    url = f"/staff/calls/{world.slug}/people-prize"
    first = await staff.get(url)
    assert first.status_code == 200
    assert "Einzelne Stimmen" in first.text and "Seite 1 von 2" in first.text
    assert world.users["r1"]["email"] not in first.text
    second = await staff.get(f"{url}?page=2")
    assert second.text.count('name="vote"') == 5
    ids = [
        row["id"]
        for row in await PrizeVote.select(PrizeVote.id)
        .where(of_voting(voting))
        .order_by(PrizeVote.created_at)
    ]
    body = {"single": "1", "vote": [str(ids[0]), str(ids[1])], "reason": "Doppelt abgegeben"}
    unconfirmed = await post_form(staff, f"{url}/void", body)
    assert unconfirmed.status_code == 422 and "bestätigen" in unconfirmed.text
    none_chosen = await post_form(staff, f"{url}/void", {**body, "vote": [], "confirm": "1"})
    assert none_chosen.status_code == 422
    assert await PrizeVote.count().where(of_voting(voting) & PrizeVote.voided_at.is_not_null()) == 0
    done = await post_form(staff, f"{url}/void", {**body, "confirm": "1"})
    assert done.status_code == 303 and done.headers["location"].endswith("done=void-2")
    voided = await PrizeVote.select(PrizeVote.id).where(
        of_voting(voting) & PrizeVote.voided_at.is_not_null()
    )
    assert {row["id"] for row in voided} == {ids[0], ids[1]}
    after = await staff.get(url)
    assert "Doppelt abgegeben" in after.text and after.text.count('name="vote"') == 48
    refused = await post_form(world.client("r1"), f"{url}/void", {**body, "confirm": "1"})
    assert refused.status_code == 403


async def test_the_results_and_candidacy_queries_have_their_indexes():
    names = {
        "prize_votes_counted",
        "prize_votes_voider",
        "prize_candidates_of_submission",
        "prize_candidates_consenter",
    }
    if isinstance(db.current_engine(), SQLiteEngine):
        rows = await PrizeVote.raw("SELECT name FROM sqlite_master WHERE type = 'index'")
    else:
        rows = await PrizeVote.raw("SELECT indexname AS name FROM pg_indexes")
    assert names <= {row["name"] for row in rows}
    assert await PrizeCandidate.count() >= 0
