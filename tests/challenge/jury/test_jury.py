"""The jury: invitations, conflicts declared before anything is revealed, assignment, reviews,
blind mode — through the API."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from challenge.jury.tables import Assignment, Conflict, Juror
from challenge.platform.accounts.tables import User
from tests.challenge.submissions.test_submissions import COMPLETE, open_call
from tests.conftest import http_client
from tests.support.domains import add_domain
from tests.support.factories import make_team
from tests.support.files import multipart, pdf
from tests.support.web import (
    api,
    csrf,
    link_in,
    login,
    make_user,
    post_form,
    spooled_mails,
    unique_email,
)


async def proposal(app, call, *, team_name="Team", member_email=None, affiliation=""):
    async with http_client(app) as client:
        user = await make_user(
            email=member_email, affiliation=affiliation, name=f"Moritz Mitglied {team_name}"
        )
        await login(client, user["email"])
        team = await make_team(user["id"], name=team_name)
        created = await api(
            client,
            "POST",
            f"/api/v1/calls/{call['slug']}/submissions",
            {"organisation_id": str(team["id"]), **COMPLETE},
        )
        sub = created.json()
        body, content_type = multipart("Geheimer Teamname Konzept.pdf", pdf())
        await client.post(
            f"/api/v1/submissions/{sub['id']}/documents",
            content=body,
            headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
        )
        submitted = await api(client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
        assert submitted.status_code == 200, submitted.text
        return {**submitted.json(), "member": user, "team": team}


@pytest.fixture
async def staff(app):
    client = http_client(app)
    await client.__aenter__()
    user = await make_user(roles=("staff",))
    await login(client, user["email"])
    yield client
    await client.__aexit__(None, None, None)


async def juror_client(app, staff, call, *, email=None, affiliation=""):
    user = await make_user(email=email or unique_email("juror"), affiliation=affiliation)
    invited = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/jurors",
        {"email": user["email"], "name": "Jana Jury"},
    )
    assert invited.status_code == 201, invited.text
    client = http_client(app)
    await client.__aenter__()
    await login(client, user["email"])
    client.user = user
    return client


async def test_invitation_creates_an_account_with_a_set_password_link(
    app, staff, settings, deliver_mail
):
    call = await open_call()
    email = unique_email("neu-juror")
    response = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/jurors",
        {"email": email, "name": "Neue Jurorin"},
    )
    assert response.status_code == 201
    assert await User.exists().where(User.email == email)
    await deliver_mail()
    [mail] = spooled_mails(settings.mail_dir, email)
    assert "/password/reset?token=" in link_in(mail, "/password/reset")
    again = await api(
        staff, "POST", f"/api/v1/calls/{call['slug']}/jurors", {"email": email, "name": "x"}
    )
    assert again.status_code == 409


async def test_nothing_is_revealed_before_the_declaration(app, staff):
    call = await open_call()
    entry = await proposal(app, call, team_name="Team Sichtbar")
    juror = await juror_client(app, staff, call)
    await Assignment(
        round=(await _round(call))["id"],
        juror=juror.user["id"],
        submission=entry["id"],
        created_at=datetime.now(UTC),
    ).save()
    assert (await juror.get(f"/api/v1/submissions/{entry['id']}")).status_code == 404
    assert (await juror.get(f"/api/v1/documents/{entry['documents'][0]['id']}")).status_code == 404
    declaration = (await juror.get(f"/api/v1/jury/calls/{call['slug']}/declaration")).json()
    assert entry["id"] in [s["id"] for s in declaration["submissions"]]
    assert (
        await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    ).status_code == 200
    assert (await juror.get(f"/api/v1/submissions/{entry['id']}")).status_code == 200
    await juror.__aexit__(None, None, None)


async def _round(call):
    from challenge.calls.tables import Call
    from challenge.jury.services import round_of

    row = await Call.select().output(load_json=True).where(Call.slug == call["slug"]).first()
    return await round_of(row)


async def test_conflicts_are_suggested_and_never_assigned(app, staff):
    call = await open_call()
    by_domain = await proposal(
        app,
        call,
        team_name="Domain Team",
        member_email=f"kollege-{datetime.now().timestamp()}@stadtwerke-leipzig.de",
    )
    by_affiliation = await proposal(app, call, team_name="Stadtwerke Leipzig GmbH")
    public_domain = await proposal(
        app,
        call,
        team_name="Freies Team",
        member_email=unique_email("gmail").replace("example.org", "gmail.com"),
    )
    juror = await juror_client(
        app,
        staff,
        call,
        email=f"jurorin-{datetime.now().timestamp()}@stadtwerke-leipzig.de",
        affiliation="Stadtwerke Leipzig",
    )
    declaration = (await juror.get(f"/api/v1/jury/calls/{call['slug']}/declaration")).json()
    suggested = {
        c["submission_id"]: c["reason"]
        for c in declaration["conflicts"]
        if c["source"] == "suggested"
    }
    assert by_domain["id"] in suggested and by_affiliation["id"] in suggested
    assert public_domain["id"] not in suggested
    await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    others = [await juror_client(app, staff, call) for _ in range(3)]
    for other in others:
        await api(other, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    result = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 2},
    )
    assert result.status_code == 200, result.text
    pairs = {
        (a["juror"], a["submission"])
        for a in await Assignment.select(Assignment.juror, Assignment.submission).where(
            Assignment.round == (await _round(call))["id"]
        )
    }
    assert (juror.user["id"], by_domain["id"]) not in pairs and (
        juror.user["id"],
        by_affiliation["id"],
    ) not in pairs
    again = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 2},
    )
    assert again.json()["created"] == 0  # a re-run only fills gaps
    for client in (juror, *others):
        await client.__aexit__(None, None, None)


async def test_impossible_assignment_names_the_entries(app, staff):
    call = await open_call()
    entry = await proposal(app, call, team_name="Nur einer")
    juror = await juror_client(app, staff, call)
    await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    response = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 2},
    )
    assert response.status_code == 422 and response.json()["code"] == "assignment_impossible"
    assert entry["reference"] in response.json()["entries"]
    await juror.__aexit__(None, None, None)


async def test_conflict_declared_after_assignment_recuses_it(app, staff):
    call = await open_call()
    entry = await proposal(app, call, team_name="Später erkannt")
    juror = await juror_client(app, staff, call)
    await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    await api(
        juror, "PUT", f"/api/v1/jury/reviews/{entry['id']}", {"round": 1, "scores": {"impact": 5}}
    )
    declared = await api(
        juror,
        "POST",
        f"/api/v1/jury/calls/{call['slug']}/conflicts",
        {"submission_id": entry["id"], "reason": "Ehemalige Kollegin"},
    )
    assert declared.status_code == 201
    assignment = (
        await Assignment.select(Assignment.status)
        .where((Assignment.juror == juror.user["id"]) & (Assignment.submission == entry["id"]))
        .first()
    )
    assert assignment["status"] == "recused"
    assert (await juror.get(f"/api/v1/submissions/{entry['id']}")).status_code == 404
    refused = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments",
        {"round": 1, "juror_id": str(juror.user["id"]), "submission_id": entry["id"]},
    )
    assert refused.status_code in (409, 422)
    await juror.__aexit__(None, None, None)


async def test_reviews_draft_final_twice_and_locked(app, staff):
    call = await open_call()
    entry = await proposal(app, call, team_name="Bewertet")
    juror = await juror_client(app, staff, call)
    await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    bad = await api(
        juror, "PUT", f"/api/v1/jury/reviews/{entry['id']}", {"round": 1, "scores": {"impact": 11}}
    )
    assert bad.status_code == 422
    draft = await api(
        juror,
        "PUT",
        f"/api/v1/jury/reviews/{entry['id']}",
        {"round": 1, "scores": {"impact": 7}, "comment": "Gut"},
    )
    assert draft.json()["status"] == "draft"
    finals = await asyncio.gather(
        *(
            api(
                juror,
                "PUT",
                f"/api/v1/jury/reviews/{entry['id']}",
                {"round": 1, "scores": {"impact": 8}, "final": True},
            )
            for _ in range(2)
        )
    )
    assert [r.status_code for r in finals] == [200, 200]
    assert {r.json()["status"] for r in finals} == {"final"}
    changed = await api(
        juror, "PUT", f"/api/v1/jury/reviews/{entry['id']}", {"round": 1, "scores": {"impact": 2}}
    )
    assert changed.status_code == 409
    from challenge.calls.tables import Call

    await Call.update({Call.jury_ends_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        Call.slug == call["slug"]
    )
    from challenge.jury.tables import Round

    await Round.update({Round.ends_at: datetime.now(UTC) - timedelta(seconds=1)}).where(
        Round.call == (await _round(call))["call"]
    )
    assert (await juror.get("/api/v1/jury/assignments")).json()[0]["status"] == "done"
    locked = await api(
        juror, "PUT", f"/api/v1/jury/reviews/{entry['id']}", {"round": 1, "scores": {"impact": 3}}
    )
    assert locked.status_code == 422 and locked.json()["code"] == "jury_closed"
    await juror.__aexit__(None, None, None)


async def test_blind_mode_leaks_no_name(app, staff):
    call = await open_call(blind_review=True)
    entry = await proposal(app, call, team_name="Geheimer Teamname")
    juror = await juror_client(app, staff, call)
    declaration = (await juror.get(f"/api/v1/jury/calls/{call['slug']}/declaration")).json()
    # blind: teams with an opaque token, never entries (tests/challenge/jury/test_hardening_jury.py)
    assert (
        declaration["blind"] is True and "submissions" not in declaration and declaration["teams"]
    )
    await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    names = ["Geheimer Teamname", entry["member"]["name"], entry["member"]["email"]]
    responses = [
        await juror.get(f"/api/v1/submissions/{entry['id']}"),
        await juror.get("/api/v1/jury/assignments"),
    ]
    document = await juror.get(f"/api/v1/documents/{responses[0].json()['documents'][0]['id']}")
    assert document.status_code == 200 and "Anlage-1.pdf" in document.headers["content-disposition"]
    responses.append(document)
    for response in responses:
        text = response.text + str(response.headers)
        for name in names:
            assert name not in text, (name, response.url)
    assert (await juror.get(f"/api/v1/submissions/{entry['id']}/receipt.pdf")).status_code == 404
    for path in (f"/jury/calls/{call['slug']}", f"/jury/reviews/{entry['id']}", "/jury"):
        page = await juror.get(path)
        assert page.status_code == 200, path
        for name in names:
            assert name not in page.text, (name, path)
    await juror.__aexit__(None, None, None)


async def test_an_assigned_juror_does_not_open_the_teams_own_pages(app, staff):
    # The team's pages name the team and its files; on a blind call that would undo the review
    # pages' anonymity. Jurors read entries on /jury/reviews only; the team and staff keep theirs.
    call = await open_call(blind_review=True)
    entry = await proposal(app, call, team_name="Geheimer Teamname Zwei")
    juror = await juror_client(app, staff, call)
    await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    assert (await juror.get(f"/jury/reviews/{entry['id']}")).status_code == 200
    team_pages = ["", "/proposal", "/questions", "/documents", "/withdraw/confirm"]
    for suffix in team_pages:
        page = await juror.get(f"/submissions/{entry['id']}{suffix}")
        assert page.status_code == 404 and "Geheimer Teamname Zwei" not in page.text, suffix
    autosave = await post_form(
        juror, f"/submissions/{entry['id']}/proposal/autosave", {"version": "1", "title": "x"}
    )
    assert autosave.status_code == 404
    async with http_client(app) as member:
        await login(member, entry["member"]["email"])
        for suffix in team_pages:
            assert (await member.get(f"/submissions/{entry['id']}{suffix}")).status_code == 200, (
                suffix
            )
    assert (await staff.get(f"/submissions/{entry['id']}")).status_code == 200
    await juror.__aexit__(None, None, None)


async def test_other_domains_add_sources_of_conflict_suggestions(app, staff, monkeypatch):
    call = await open_call()
    entry = await proposal(app, call, team_name="Frühere Partner GmbH")
    add_domain(
        monkeypatch,
        conflict_suggesters=[
            lambda user_row, rows: {
                r["id"]: "Frühere Partnerschaft"
                for r in rows
                if r["organisation_name"] == "Frühere Partner GmbH"
            }
        ],
    )
    juror = await juror_client(app, staff, call)
    conflicts = (await juror.get(f"/api/v1/jury/calls/{call['slug']}/declaration")).json()[
        "conflicts"
    ]
    assert [c["reason"] for c in conflicts if c["submission_id"] == entry["id"]] == [
        "Frühere Partnerschaft"
    ]
    await juror.__aexit__(None, None, None)


async def test_staff_lift_a_conflict_with_a_reason(app, staff):
    call = await open_call()
    entry = await proposal(app, call, team_name="Aufgehoben")
    juror = await juror_client(app, staff, call)
    added = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/conflicts",
        {"juror_id": str(juror.user["id"]), "submission_id": entry["id"], "reason": "Bekannt"},
    )
    assert added.status_code == 201
    lifted = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/conflicts/{added.json()['id']}/lift",
        {"reason": "Irrtum geklärt"},
    )
    assert lifted.status_code == 200
    assert (
        await Conflict.select(Conflict.lift_reason).where(Conflict.id == added.json()["id"]).first()
    )["lift_reason"] == "Irrtum geklärt"
    listing = (await staff.get(f"/api/v1/calls/{call['slug']}/jurors")).json()
    assert juror.user["email"] in [j["email"] for j in listing]
    assert await Juror.exists().where(Juror.user == juror.user["id"])
    await juror.__aexit__(None, None, None)


async def test_a_final_round_with_its_own_rubric_jurors_and_shortlist(app, staff, client):
    from challenge.jury.tables import Round

    call = await open_call()
    entries = [await proposal(app, call, team_name=f"Finale {n}") for n in range(3)]
    first_round = [await juror_client(app, staff, call) for _ in range(2)]
    final_jury = [await juror_client(app, staff, call) for _ in range(2)]
    for juror in first_round + final_jury:
        await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    for juror in final_jury:
        moved = await api(
            staff,
            "PUT",
            f"/api/v1/calls/{call['slug']}/jurors/{juror.user['id']}",
            {"rounds": [2], "expertise": ["Hitze"]},
        )
        assert moved.status_code == 200
    created = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/rounds",
        {
            "number": 2,
            "name": "Finale mit Pitch",
            "event_at": "2031-05-05T17:00:00+02:00",
            "event_place": "Spinnerei, Halle 14",
            "criteria": [
                {"key": "pitch", "name": "Pitch", "weight": 1, "scale_min": 1, "scale_max": 5}
            ],
        },
    )
    assert created.status_code == 201, created.text
    bad = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/rounds",
        {"number": 3, "name": "x", "criteria": []},
    )
    assert bad.status_code == 422
    shortlisted = [entries[0]["id"], entries[2]["id"]]
    assert (
        await api(
            staff,
            "PUT",
            f"/api/v1/calls/{call['slug']}/rounds/2/entries",
            {"submission_ids": shortlisted},
        )
    ).status_code == 200
    result = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 2, "reviews_per_submission": 2},
    )
    assert result.status_code == 200 and result.json()["created"] == 4
    round_two = (
        await Round.select(Round.id)
        .where((Round.number == 2) & (Round.call == (await _round(call))["call"]))
        .first()
    )
    pairs = await Assignment.select(Assignment.juror, Assignment.submission).where(
        Assignment.round == round_two["id"]
    )
    assert {str(p["submission"]) for p in pairs} == set(shortlisted)
    assert {p["juror"] for p in pairs} == {j.user["id"] for j in final_jury}
    review = await api(
        final_jury[0],
        "PUT",
        f"/api/v1/jury/reviews/{shortlisted[0]}",
        {"round": 2, "scores": {"pitch": 4}, "final": True},
    )
    assert review.status_code == 200 and review.json()["scores"] == {"pitch": 4}
    page = await client.get(f"/calls/{call['slug']}")
    assert "Finale mit Pitch" in page.text and "Spinnerei, Halle 14" in page.text
    for juror in first_round + final_jury:
        await juror.__aexit__(None, None, None)


async def test_a_juror_scores_an_entry_only_in_the_rounds_she_is_assigned_to_it(app, staff):
    call = await open_call()
    entry = await proposal(app, call, team_name="Nur Runde eins")
    juror = await juror_client(app, staff, call)
    await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    created = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/rounds",
        {
            "number": 2,
            "name": "Finale",
            "criteria": [
                {"key": "pitch", "name": "Pitch", "weight": 1, "scale_min": 1, "scale_max": 5}
            ],
        },
    )
    assert created.status_code == 201, created.text
    assert (
        await api(
            staff,
            "PUT",
            f"/api/v1/calls/{call['slug']}/rounds/2/entries",
            {"submission_ids": [entry["id"]]},
        )
    ).status_code == 200
    # assigned in round 1 only: she reads and scores the entry there, not in the final round
    assert (
        await juror.get(f"/api/v1/jury/reviews/{entry['id']}", params={"round": 1})
    ).status_code == 200
    scored = await api(
        juror,
        "PUT",
        f"/api/v1/jury/reviews/{entry['id']}",
        {"round": 2, "scores": {"pitch": 5}, "final": True},
    )
    assert scored.status_code == 404
    assert (
        await juror.get(f"/api/v1/jury/reviews/{entry['id']}", params={"round": 2})
    ).status_code == 404
    assert (await juror.get(f"/jury/reviews/{entry['id']}", params={"round": 2})).status_code == 404
    ranking = (await staff.get(f"/api/v1/calls/{call['slug']}/ranking", params={"round": 2})).json()
    assert ranking["entries"] == []  # no final review counts in round 2
    await juror.__aexit__(None, None, None)


async def test_ranking_api_uses_final_unrecused_reviews(app, staff):
    call = await open_call(awards_planned=1)
    entries = [await proposal(app, call, team_name=f"Rang {n}") for n in range(2)]
    jurors = [await juror_client(app, staff, call) for _ in range(2)]
    for juror in jurors:
        await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 2},
    )
    for juror, bonus in zip(jurors, (0, 2), strict=True):
        await api(
            juror,
            "PUT",
            f"/api/v1/jury/reviews/{entries[0]['id']}",
            {"round": 1, "scores": {"impact": 8 + bonus}, "final": True},
        )
        await api(
            juror,
            "PUT",
            f"/api/v1/jury/reviews/{entries[1]['id']}",
            {"round": 1, "scores": {"impact": 3 + bonus}, "final": True},
        )
    ranking = (
        await staff.get(
            f"/api/v1/calls/{call['slug']}/ranking", params={"round": 1, "method": "mean"}
        )
    ).json()
    assert [e["submission_id"] for e in ranking["entries"]] == [entries[0]["id"], entries[1]["id"]]
    assert ranking["entries"][0]["score"] == 90 and ranking["entries"][0]["reviews"] == 2
    leniency = {j["id"]: j["leniency"] for j in ranking["jurors"]}
    assert leniency[str(jurors[1].user["id"])] > 0 > leniency[str(jurors[0].user["id"])]
    # a conflict declared now removes that juror's review from the ranking
    await api(
        jurors[1],
        "POST",
        f"/api/v1/jury/calls/{call['slug']}/conflicts",
        {"submission_id": entries[0]["id"], "reason": "Nachträglich bemerkt"},
    )
    after = (await staff.get(f"/api/v1/calls/{call['slug']}/ranking")).json()
    assert (
        next(e for e in after["entries"] if e["submission_id"] == entries[0]["id"])["reviews"] == 1
    )
    assert (
        await staff.get(f"/api/v1/calls/{call['slug']}/ranking", params={"method": "zufall"})
    ).status_code == 422
    for juror in jurors:
        await juror.__aexit__(None, None, None)
