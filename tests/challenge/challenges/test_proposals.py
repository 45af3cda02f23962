"""Proposals per challenge (issue 17, point 3): applying names a challenge, one proposal that is
not withdrawn per team and challenge — decided by the database, also under twenty parallel
creates — but several challenges per team; lists, exports and receipts show the challenge."""

import asyncio

from challenge.submissions.tables import Submission
from tests.challenge.submissions.test_hardening_concurrency import (
    COMPLETE,
    PARALLEL,
    browsers_of,
    open_call,
)
from tests.support.factories import make_call, make_challenge, make_team
from tests.support.web import api, login, make_user, post_form


async def _call_with_challenges():
    call = await open_call()
    umwelt = await make_challenge(call, "umwelt", title="Urbane Umweltdaten")
    beteiligung = await make_challenge(call, "beteiligung", title="Beteiligung vernetzen")
    return call, umwelt, beteiligung


async def _applicant(client):
    user = await make_user()
    await login(client, user["email"])
    return await make_team(user["id"], name="Team Umwelt")


async def test_a_call_with_challenges_needs_one(client):
    call, _umwelt, _b = await _call_with_challenges()
    team = await _applicant(client)
    url = f"/api/v1/calls/{call['slug']}/submissions"
    missing = await api(client, "POST", url, {"organisation_id": str(team["id"]), **COMPLETE})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "challenge"
    unknown = await api(
        client, "POST", url, {"organisation_id": str(team["id"]), "challenge": "nope", **COMPLETE}
    )
    assert unknown.status_code == 422
    assert await Submission.count().where(Submission.organisation == team["id"]) == 0


async def test_a_plain_call_refuses_a_challenge(client):
    call = await make_call()
    team = await _applicant(client)
    refused = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/submissions",
        {"organisation_id": str(team["id"]), "challenge": "umwelt", **COMPLETE},
    )
    assert refused.status_code == 422


async def test_one_proposal_per_challenge_but_several_challenges(client):
    call, umwelt, _b = await _call_with_challenges()
    team = await _applicant(client)
    url = f"/api/v1/calls/{call['slug']}/submissions"
    body = {"organisation_id": str(team["id"]), **COMPLETE}
    first = await api(client, "POST", url, {**body, "challenge": "umwelt"})
    assert first.status_code == 201, first.text
    assert first.json()["challenge"] == "umwelt"
    second = await api(client, "POST", url, {**body, "challenge": "umwelt"})
    assert second.status_code == 422
    assert second.json()["code"] == "one_per_challenge"
    assert second.json()["submission_id"] == first.json()["id"]
    other = await api(client, "POST", url, {**body, "challenge": "beteiligung"})
    assert other.status_code == 201 and other.json()["challenge"] == "beteiligung"
    # withdrawn proposals do not count: the team may start again
    withdrawn = await api(client, "POST", f"/api/v1/submissions/{first.json()['id']}/withdraw")
    assert withdrawn.status_code == 200, withdrawn.text
    again = await api(client, "POST", url, {**body, "challenge": "umwelt"})
    assert again.status_code == 201
    assert await Submission.count().where(Submission.challenge == umwelt["id"]) == 2


async def test_twenty_parallel_creates_for_one_challenge_make_one_draft(app):
    call, umwelt, _b = await _call_with_challenges()
    async with browsers_of(app, PARALLEL) as (clients, team, _user):
        body = {"organisation_id": str(team["id"]), "challenge": "umwelt", **COMPLETE}
        responses = await asyncio.gather(
            *(api(c, "POST", f"/api/v1/calls/{call['slug']}/submissions", body) for c in clients)
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [422] * (PARALLEL - 1), [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 422} == {"one_per_challenge"}
    assert (
        await Submission.count().where(
            (Submission.challenge == umwelt["id"]) & (Submission.organisation == team["id"])
        )
        == 1
    )


async def test_apply_page_starts_from_the_challenge(client):
    call, _umwelt, beteiligung = await _call_with_challenges()
    team = await _applicant(client)
    page = await client.get(f"/calls/{call['slug']}/apply?challenge=beteiligung")
    assert page.status_code == 200
    assert "Beteiligung vernetzen" in page.text and "Urbane Umweltdaten" in page.text
    assert 'value="beteiligung" checked' in page.text
    started = await post_form(
        client,
        f"/calls/{call['slug']}/apply",
        {"organisation_id": str(team["id"]), "challenge": "beteiligung"},
    )
    assert started.status_code == 303
    row = await Submission.select().where(Submission.organisation == team["id"]).first()
    assert row["challenge"] == beteiligung["id"]
    proposal = await client.get(started.headers["location"])
    assert "Beteiligung vernetzen" in proposal.text
    # the same challenge again leads to the existing proposal, not to a second one
    again = await post_form(
        client,
        f"/calls/{call['slug']}/apply",
        {"organisation_id": str(team["id"]), "challenge": "beteiligung"},
    )
    assert again.status_code == 303 and again.headers["location"] == f"/submissions/{row['id']}"


async def test_staff_list_filters_and_export_show_the_challenge(client):
    call, umwelt, beteiligung = await _call_with_challenges()
    team = await _applicant(client)
    url = f"/api/v1/calls/{call['slug']}/submissions"
    for key in ("umwelt", "beteiligung"):
        made = await api(
            client, "POST", url, {"organisation_id": str(team["id"]), "challenge": key, **COMPLETE}
        )
        submitted = await api(client, "POST", f"/api/v1/submissions/{made.json()['id']}/submit", {})
        assert submitted.status_code == 200, submitted.text
    client.cookies.clear()
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    listed = await client.get(f"/staff/calls/{call['slug']}/submissions?challenge=umwelt")
    assert "Urbane Umweltdaten" in listed.text
    assert "1 Vorschlag" in listed.text or "1 proposal" in listed.text
    export = await client.get(f"/api/v1/calls/{call['slug']}/submissions.csv")
    assert export.status_code == 200
    lines = export.text.lstrip("\ufeff").splitlines()
    assert lines[0].split(";")[1] == "challenge"
    assert sorted(line.split(";")[1] for line in lines[1:]) == ["beteiligung", "umwelt"]


async def test_a_challenge_question_is_asked_only_of_its_proposals(client):
    call = await open_call()
    await make_challenge(
        call,
        "daten",
        title="Daten",
        questions=[{"key": "datensatz", "label": "Welcher Datensatz?", "type": "text"}],
    )
    await make_challenge(call, "ohne", title="Ohne Zusatzfrage")
    team = await _applicant(client)
    url = f"/api/v1/calls/{call['slug']}/submissions"
    answers = {**COMPLETE["answers"], "datensatz": "Baumkataster"}
    body = {**COMPLETE, "organisation_id": str(team["id"]), "answers": answers}
    with_question = await api(client, "POST", url, {**body, "challenge": "daten"})
    assert with_question.status_code == 201, with_question.text
    assert with_question.json()["answers"]["datensatz"] == "Baumkataster"
    without = await api(client, "POST", url, {**body, "challenge": "ohne"})
    assert without.status_code == 422
    assert without.json()["errors"][0]["field"] == "answers.datensatz"
    page = await client.get(f"/submissions/{with_question.json()['id']}/questions")
    assert "Welcher Datensatz?" in page.text


async def test_a_challenge_with_a_proposal_cannot_be_withdrawn(client):
    call, umwelt, _b = await _call_with_challenges()
    team = await _applicant(client)
    made = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/submissions",
        {"organisation_id": str(team["id"]), "challenge": "umwelt", **COMPLETE},
    )
    assert made.status_code == 201, made.text
    client.cookies.clear()
    await login(client, (await make_user(roles=("staff",)))["email"])
    refused = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/challenges/umwelt/withdraw",
        {"reason": "Doppelt"},
    )
    assert refused.status_code == 409 and refused.json()["code"] == "challenge_has_proposals"
    empty = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/challenges/beteiligung/withdraw",
        {"reason": "Doppelt"},
    )
    assert empty.status_code == 200 and empty.json()["status"] == "withdrawn"
    assert [
        c["key"]
        for c in (await api(client, "GET", f"/api/v1/calls/{call['slug']}/challenges")).json()
    ] == ["umwelt"]
