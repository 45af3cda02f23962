"""The pitch day (issue 18, point 4): staff schedule it as jury round 2 with the five published
criteria over the teams selected for the development phase, slots per team in challenge order;
teams and round-2 jurors get it by mail and as .ics (a team its own slot, jurors all, on a blind
call without names, anyone else 404); the call page shows it; jurors score one team at a time on
the pitch screen (round-2 reviews); ranking per challenge for round 2."""

import uuid
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from challenge.calls.tables import Call
from challenge.jury.tables import Assignment, Juror, Review, Round, RoundEntry
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.development.tables import PitchSlot
from tests.conftest import http_client
from tests.support.factories import make_call, make_challenge, make_team, make_unit
from tests.support.web import api, login, make_user, post_form, spooled_mails, text_of, unique_email

START = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # 10:00 in Leipzig


async def _entry(call, challenge, *, selected: bool) -> dict:
    now = datetime.now(UTC)
    owner = await make_user(name="Team-Person", email=unique_email("team"))
    team = await make_team(owner["id"], name=f"Team Sonnenschein {uuid.uuid4().hex[:5]}")
    reference = f"SCC-{uuid.uuid4().hex[:8]}"
    submission = Submission(
        call=call["id"],
        organisation=team["id"],
        challenge=challenge["id"],
        title=f"Vorschlag {reference}",
        status="submitted",
        reference=reference,
        submitted_at=now - timedelta(days=70),
        created_at=now,
    )
    await submission.save()
    if selected:
        await Decision(
            call=call["id"], submission=submission.id, outcome="development", created_at=now
        ).save()
    return {"id": submission.id, "reference": reference, "owner": owner, "team": team}


async def _juror(app, call, name: str) -> dict:
    user = await make_user(name=name, email=unique_email("juror"))
    now = datetime.now(UTC)
    await Juror(
        call=call["id"],
        user=user["id"],
        invited_at=now,
        accepted_at=now,
        declaration_completed_at=now,
    ).save()
    client = http_client(app)
    await client.__aenter__()
    await login(client, user["email"])
    client.user = user
    return client


async def pitch_world(app, staff, *, blind=False):
    """Challenges a (two selected teams, one not) and b (one selected); jurors ``a`` and ``b``
    put into round 2 for their challenge through the jury API, ``one`` only in round 1."""
    now = datetime.now(UTC)
    made = await make_call(
        status="results_published",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
        results_published_at=now - timedelta(days=50),
        jury_ends_at=now - timedelta(days=52),  # the idea round's jury closed long ago
        blind_review=blind,
    )
    call = await Call.select().where(Call.slug == made["slug"]).first()
    challenges = {
        key: await make_challenge(made, key, unit=await make_unit(), title=f"Aufgabe {key}")
        for key in ("a", "b")
    }
    entries = {
        "a1": await _entry(call, challenges["a"], selected=True),
        "a2": await _entry(call, challenges["a"], selected=True),
        "a3": await _entry(call, challenges["a"], selected=False),
        "b1": await _entry(call, challenges["b"], selected=True),
    }
    jurors = {key: await _juror(app, call, f"Juror {key}") for key in ("a", "b", "one")}
    for key in ("a", "b"):
        answer = await api(
            staff,
            "PUT",
            f"/api/v1/calls/{call['slug']}/jurors/{jurors[key].user['id']}",
            {"rounds": [1, 2], "challenges": [key]},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["rounds"] == [1, 2] and answer.json()["challenges"] == [key]
    return call, challenges, entries, jurors


async def schedule(staff, call, **overrides):
    body = {
        "starts_at": START.isoformat(),
        "place": "Neues Rathaus, Festsaal",
        "video_url": "https://meet.example.org/pitch",
        "slot_minutes": 20,
        **overrides,
    }
    return await api(staff, "POST", f"/api/v1/calls/{call['slug']}/pitch", body)


async def close(jurors):
    for client in jurors.values():
        await client.__aexit__(None, None, None)


async def test_scheduling_makes_round_two_slots_and_mails(app, clients, settings, deliver_mail):
    staff = clients["staff"]
    call, _challenges, entries, jurors = await pitch_world(app, staff)
    answer = await schedule(staff, call)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    round_ = (
        await Round.select()
        .output(load_json=True)
        .where((Round.call == call["id"]) & (Round.number == 2))
        .first()
    )
    assert round_["name"] == "Pitch"
    assert [c["name"] for c in round_["criteria"]] == [
        "Reifegrad",
        "Komplexität",
        "Umsetzungswahrscheinlichkeit",
        "Erwartete Folgekosten",
        "Verstetigungspotenzial",
    ]
    assert {(c["scale_min"], c["scale_max"], c["weight"]) for c in round_["criteria"]} == {
        (0, 10, 1)
    }
    shortlist = {
        r["submission"] for r in await RoundEntry.select().where(RoundEntry.round == round_["id"])
    }
    assert shortlist == {entries[k]["id"] for k in ("a1", "a2", "b1")}
    # slots in challenge order, consecutive from the start
    order = sorted(["a1", "a2"], key=lambda k: entries[k]["reference"]) + ["b1"]
    assert [s["reference"] for s in body["slots"]] == [entries[k]["reference"] for k in order]
    starts = [datetime.fromisoformat(s["starts_at"]) for s in body["slots"]]
    assert starts == [START + timedelta(minutes=20 * i) for i in range(3)]
    # jurors of round 2 are assigned the teams of their challenge
    pairs = {
        (a["juror"], a["submission"])
        for a in await Assignment.select().where(Assignment.round == round_["id"])
    }
    assert pairs == {
        (jurors["a"].user["id"], entries["a1"]["id"]),
        (jurors["a"].user["id"], entries["a2"]["id"]),
        (jurors["b"].user["id"], entries["b1"]["id"]),
    }
    await deliver_mail()
    [team_mail] = spooled_mails(settings.mail_dir, entries["a1"]["owner"]["email"])
    text = text_of(team_mail)
    assert entries["a1"]["reference"] in text and entries["b1"]["reference"] not in text
    assert "Neues Rathaus" in text and f"/api/v1/calls/{call['slug']}/pitch.ics" in text
    [juror_mail] = spooled_mails(settings.mail_dir, jurors["a"].user["email"])
    # a juror gets the slots of the teams they score (their challenge), not the others'
    assert all(entries[k]["reference"] in text_of(juror_mail) for k in ("a1", "a2"))
    assert entries["b1"]["reference"] not in text_of(juror_mail)
    assert spooled_mails(settings.mail_dir, jurors["one"].user["email"]) == []
    assert spooled_mails(settings.mail_dir, entries["a3"]["owner"]["email"]) == []
    # re-scheduling recomputes the slots, keeps the round and its shortlist
    later = START + timedelta(days=1)
    again = await schedule(staff, call, starts_at=later.isoformat(), slot_minutes=30)
    assert again.status_code == 200, again.text
    starts = [datetime.fromisoformat(s["starts_at"]) for s in again.json()["slots"]]
    assert starts == [later + timedelta(minutes=30 * i) for i in range(3)]
    assert await PitchSlot.count().where(PitchSlot.submission.call == call["id"]) == 3
    assert await Round.count().where(Round.call == call["id"]) == 2
    # the public call page shows the event
    page = await http_client(app).__aenter__()
    shown = await page.get(f"/calls/{call['slug']}")
    assert (
        "Pitch" in shown.text
        and "Neues Rathaus" in shown.text
        and "11. März 2027, 10:00" in shown.text
    )
    await close(jurors)


async def test_staff_reorder_slots_and_refusals(app, clients):
    staff = clients["staff"]
    call, _challenges, entries, jurors = await pitch_world(app, staff)
    bad = await schedule(staff, call, slot_minutes=1)
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"
    assert await Round.count().where(
        Round.call == call["id"]
    ) == 1 or not await Round.exists().where((Round.call == call["id"]) & (Round.number == 2))
    assert (await schedule(staff, call)).status_code == 200
    ids = [entries[k]["id"] for k in ("b1", "a2", "a1")]
    moved = await api(
        staff,
        "PUT",
        f"/api/v1/calls/{call['slug']}/pitch/slots",
        {"submission_ids": [str(i) for i in ids]},
    )
    assert moved.status_code == 200, moved.text
    assert [s["submission_id"] for s in moved.json()["slots"]] == [str(i) for i in ids]
    missing = await api(
        staff, "PUT", f"/api/v1/calls/{call['slug']}/pitch/slots", {"submission_ids": [str(ids[0])]}
    )
    assert missing.status_code == 422
    refused = await schedule(jurors["a"], call)
    assert refused.status_code in (401, 403)
    # the staff page shows the slots, the jurors of round 2 and their progress
    page = await staff.get(f"/staff/calls/{call['slug']}/pitch")
    assert page.status_code == 200
    assert entries["b1"]["reference"] in page.text and "Juror a" in page.text
    assert "Juror one" not in page.text
    saved = await post_form(
        staff,
        f"/staff/calls/{call['slug']}/pitch",
        {
            "starts_at": "12.03.2027 14:30",
            "place": "Rathaus",
            "video_url": "",
            "slot_minutes": "15",
        },
    )
    assert saved.status_code == 303, saved.text
    first = await PitchSlot.select().where(PitchSlot.submission == ids[0]).first()
    assert first["starts_at"] == datetime(2027, 3, 12, 13, 30, tzinfo=UTC)
    await close(jurors)


def parsed(response) -> Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    calendar = Calendar.from_ical(raw)
    for event in calendar.walk("VEVENT"):
        assert event.get("uid") and event.get("dtstamp") and event.get("dtstart")
    return calendar


async def test_the_ics_shows_each_their_part(app, clients):
    staff = clients["staff"]
    call, _challenges, entries, jurors = await pitch_world(app, staff)
    assert (await schedule(staff, call, place="Rathaus; Saal, 1. OG")).status_code == 200
    url = f"/api/v1/calls/{call['slug']}/pitch.ics"
    everything = parsed(await staff.get(url))
    assert len(everything.walk("VEVENT")) == 4
    assert "Rathaus\\; Saal\\, 1. OG" in (await staff.get(url)).text  # escaped
    # a team: the day and its own slot
    team = http_client(app)
    await team.__aenter__()
    await login(team, entries["a1"]["owner"]["email"])
    own = parsed(await team.get(url))
    summaries = [str(e.get("summary")) for e in own.walk("VEVENT")]
    assert len(summaries) == 2 and entries["a1"]["reference"] in summaries[1]
    assert not any(entries["b1"]["reference"] in s for s in summaries)
    # a juror of round 2: the day and the slots of the teams they score, with team names on
    # an open call
    juror = parsed(await jurors["b"].get(url))
    assert len(juror.walk("VEVENT")) == 2
    text = (await jurors["b"].get(url)).text
    assert entries["b1"]["reference"] in text and entries["a1"]["reference"] not in text
    # anyone else: 404
    for other in (jurors["one"], clients["finance"]):
        assert (await other.get(url)).status_code == 404
    outsider = http_client(app)
    await outsider.__aenter__()
    assert (await outsider.get(url)).status_code == 404
    await login(outsider, entries["a3"]["owner"]["email"])
    assert (await outsider.get(url)).status_code == 404
    await close(jurors)


async def test_scoring_on_the_pitch_screen_saves_round_two_reviews(app, clients):
    staff = clients["staff"]
    call, challenges, entries, jurors = await pitch_world(app, staff)
    assert (await schedule(staff, call)).status_code == 200
    juror = jurors["a"]
    screen = await juror.get(f"/jury/calls/{call['slug']}/pitch")
    assert screen.status_code == 200
    order = sorted(["a1", "a2"], key=lambda k: entries[k]["reference"])
    first, second = (entries[k] for k in order)
    assert first["reference"] in screen.text and "Reifegrad" in screen.text
    assert entries["b1"]["reference"] not in screen.text  # another challenge's team
    assert 'rel="next"' in screen.text and 'name="score_maturity"' in screen.text
    nxt = await juror.get(f"/jury/calls/{call['slug']}/pitch?entry=2")
    assert second["reference"] in nxt.text and 'rel="prev"' in nxt.text
    # without JavaScript: the save button
    scores = {"maturity": "8", "complexity": "6", "feasibility": "7", "followup_costs": "5"}
    form = {f"score_{k}": v for k, v in scores.items()} | {"comment": "Stark", "action": "draft"}
    saved = await post_form(juror, f"/jury/calls/{call['slug']}/pitch/{first['id']}", form)
    assert saved.status_code == 303 and "entry=1" in saved.headers["location"]
    # finalising without every criterion: a message on the page, the draft kept
    incomplete = await post_form(
        juror, f"/jury/calls/{call['slug']}/pitch/{first['id']}", {**form, "action": "final"}
    )
    assert incomplete.status_code == 422 and "field-scores.continuation" in incomplete.text
    # the script's autosave
    auto = await post_form(
        juror,
        f"/jury/calls/{call['slug']}/pitch/{first['id']}/autosave",
        {**form, "score_continuation": "9"},
    )
    assert auto.status_code == 200 and auto.json()["state"] == "saved"
    final = await post_form(
        juror,
        f"/jury/calls/{call['slug']}/pitch/{first['id']}",
        {**form, "score_continuation": "9", "action": "final"},
    )
    assert final.status_code == 303
    round_ = (
        await Round.select()
        .output(load_json=True)
        .where((Round.call == call["id"]) & (Round.number == 2))
        .first()
    )
    review = (
        await Review.select()
        .output(load_json=True)
        .where((Review.round == round_["id"]) & (Review.submission == first["id"]))
        .first()
    )
    assert review["status"] == "final" and review["scores"]["continuation"] == 9
    assert review["comment"] == "Stark"
    again = await post_form(juror, f"/jury/calls/{call['slug']}/pitch/{first['id']}/autosave", form)
    assert again.status_code == 409 and again.json()["state"] == "review_final"
    # not the juror's team, not a juror of round 2, not a juror: 404
    assert (
        await post_form(juror, f"/jury/calls/{call['slug']}/pitch/{entries['b1']['id']}", form)
    ).status_code == 404
    assert (await jurors["one"].get(f"/jury/calls/{call['slug']}/pitch")).status_code == 404
    assert (await clients["finance"].get(f"/jury/calls/{call['slug']}/pitch")).status_code == 404
    await close(jurors)


async def test_a_blind_call_names_no_team_to_jurors(app, clients):
    staff = clients["staff"]
    call, _challenges, entries, jurors = await pitch_world(app, staff, blind=True)
    assert (await schedule(staff, call)).status_code == 200
    juror = jurors["a"]
    for url in (
        f"/jury/calls/{call['slug']}/pitch",
        f"/jury/calls/{call['slug']}/pitch?entry=2",
        f"/api/v1/calls/{call['slug']}/pitch.ics",
    ):
        answer = await juror.get(url)
        assert answer.status_code == 200
        assert "Team Sonnenschein" not in answer.text and "Team-Person" not in answer.text
    ics = (await juror.get(f"/api/v1/calls/{call['slug']}/pitch.ics")).text
    assert entries["a1"]["reference"] in ics and "Vorschlag" not in ics
    # staff still see the names
    assert "Team Sonnenschein" in (await staff.get(f"/api/v1/calls/{call['slug']}/pitch.ics")).text
    await close(jurors)


async def test_ranking_per_challenge_for_round_two(app, clients):
    staff = clients["staff"]
    call, _challenges, entries, jurors = await pitch_world(app, staff)
    assert (await schedule(staff, call)).status_code == 200
    extra = await _juror(app, call, "Juror a2")
    answer = await api(
        staff,
        "PUT",
        f"/api/v1/calls/{call['slug']}/jurors/{extra.user['id']}",
        {"rounds": [2], "challenges": ["a"]},
    )
    assert answer.status_code == 200
    assert (await api(staff, "POST", f"/api/v1/calls/{call['slug']}/pitch/panel")).json()[
        "created"
    ] == 2
    keys = ("maturity", "complexity", "feasibility", "followup_costs", "continuation")
    for client, best in ((jurors["a"], 9), (extra, 8)):
        for entry, score in ((entries["a1"], best), (entries["a2"], best - 5)):
            form = {f"score_{k}": str(score) for k in keys} | {"action": "final"}
            saved = await post_form(client, f"/jury/calls/{call['slug']}/pitch/{entry['id']}", form)
            assert saved.status_code == 303, saved.text
    ranking = await staff.get(f"/api/v1/calls/{call['slug']}/ranking?round=2&challenge=a")
    assert ranking.status_code == 200, ranking.text
    data = ranking.json()
    ranks = {e["submission_id"]: e["rank"] for e in data["entries"]}
    assert ranks == {str(entries["a1"]["id"]): 1, str(entries["a2"]["id"]): 2}
    first = next(e for e in data["entries"] if e["rank"] == 1)
    assert first["score_low"] <= first["score"] <= first["score_high"]
    assert {j["id"] for j in data["jurors"]} == {
        str(jurors["a"].user["id"]),
        str(extra.user["id"]),
    }
    page = await staff.get(f"/staff/calls/{call['slug']}/results?round=2&challenge=a")
    assert page.status_code == 200 and entries["a1"]["reference"] in page.text
    progress = await staff.get(f"/staff/calls/{call['slug']}/pitch")
    assert "2 von 2" in progress.text  # final scores of assigned, in words
    await extra.__aexit__(None, None, None)
    await close(jurors)
