"""Juries per challenge (issue 17, point 4) and the unit's comments for the jury (point 6): a
juror of challenge A never sees or scores B's entries (API, pages, downloads, declaration),
invitations name challenges by key, the assignment keeps to them, progress and reminders per
challenge; a whole-call juror sees all; a call without challenges works as before."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from challenge.calls.tables import Call
from challenge.jury.assignment import AssignmentImpossible, Entry, Juror, assign_per_challenge
from challenge.jury.scope import covers
from challenge.jury.tables import Assignment, Round
from challenge.jury.tables import Juror as JurorRow
from challenge.platform.documents.tables import Document
from challenge.platform.mail.tables import OutboxMail
from challenge.submissions.tables import Submission
from tests.challenge.submissions.test_submissions import COMPLETE, open_call
from tests.conftest import http_client
from tests.support.factories import make_challenge, make_team, make_unit
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login, make_user, post_form, unique_email

# -- the rule and the pure algorithm ------------------------------------------------------------


def test_covers_whole_call_and_chosen_challenges():
    a, b = uuid.uuid4(), uuid.uuid4()
    assert covers([], a) and covers(None, None) and covers([], None)
    assert covers([str(a)], a) and covers([str(a)], str(a))
    assert not covers([str(a)], b) and not covers([str(a)], None)


def test_assign_per_challenge_keeps_jurors_to_their_challenges():
    entries = [Entry(f"a{i}", challenge="A") for i in range(4)] + [
        Entry(f"b{i}", challenge="B") for i in range(3)
    ]
    jurors = [
        Juror("ja1", challenges=frozenset({"A"})),
        Juror("ja2", challenges=frozenset({"A"})),
        Juror("jb", challenges=frozenset({"B"})),
        Juror("all"),
    ]
    pairs = assign_per_challenge(entries, jurors, 2)
    assert all(e.startswith("a") for j, e in pairs if j in ("ja1", "ja2"))
    assert all(e.startswith("b") for j, e in pairs if j == "jb")
    for entry in entries:
        assert sum(1 for _j, e in pairs if e == entry.id) == 2
    with pytest.raises(AssignmentImpossible) as failure:
        assign_per_challenge(entries, jurors[:3], 2)  # B has one juror only
    assert failure.value.challenge == "B" and set(failure.value.entries) == {"b0", "b1", "b2"}


def test_assign_per_challenge_without_limited_jurors_is_the_plain_assignment():
    from challenge.jury.assignment import assign

    entries = [Entry(f"e{i}", challenge=("A" if i % 2 else "B")) for i in range(6)]
    jurors = [Juror(f"j{i}") for i in range(4)]
    assert assign_per_challenge(entries, jurors, 2) == assign(entries, jurors, 2)


# -- through the portal -------------------------------------------------------------------------


async def _logged_in(app, user: dict):
    client = http_client(app)
    await client.__aenter__()
    await login(client, user["email"])
    client.user = user
    return client


async def _entry(app, call: dict, challenge: dict | None, team_name: str) -> dict:
    """A submitted proposal (to the challenge) with one PDF attachment, made as its team."""
    member = await make_user(name=f"Mitglied {team_name}")
    team = await make_team(member["id"], name=team_name)
    row = Submission(
        call=call["id"],
        organisation=team["id"],
        challenge=challenge["id"] if challenge else None,
        title=f"Idee von {team_name}",
        summary="Kurz",
        answers=COMPLETE.get("answers", {}),
        created_at=datetime.now(UTC),
    )
    await row.save()
    async with http_client(app) as client:
        await login(client, member["email"])
        body, content_type = multipart(f"{team_name}.pdf", pdf())
        uploaded = await client.post(
            f"/api/v1/submissions/{row.id}/documents",
            content=body,
            headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
        )
        assert uploaded.status_code == 201, uploaded.text
    await Submission.update(
        {
            Submission.status: "submitted",
            Submission.reference: f"T-{uuid.uuid4().hex[:10]}",
            Submission.submitted_at: datetime.now(UTC),
        }
    ).where(Submission.id == row.id)
    document = await Document.select(Document.id).where(Document.owner_id == str(row.id)).first()
    return {"id": row.id, "team": team, "document": document["id"], "member": member}


async def _invite(staff, app, call: dict, keys=None):
    user = await make_user(email=unique_email("juror"), name="Jana Jury")
    body = {"email": user["email"], "name": "Jana Jury"}
    if keys is not None:
        body["challenges"] = keys
    invited = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/jurors", body)
    assert invited.status_code == 201, invited.text
    client = await _logged_in(app, user)
    done = await api(client, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    assert done.status_code == 200, done.text
    return client


@pytest.fixture
async def world(app):
    clients = []
    staff = await _logged_in(app, await make_user(roles=("staff",)))
    clients.append(staff)
    call = await open_call()
    call["id"] = (await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"]
    unit_person = await make_user(name="Ulla Unit")
    other_unit_person = await make_user(name="Otto Amt")
    unit_a = await make_unit(members=[unit_person["id"]])
    unit_b = await make_unit(members=[other_unit_person["id"]])
    a = await make_challenge(call, "a", unit=unit_a, title="Umweltdaten sehen")
    b = await make_challenge(call, "b", unit=unit_b, title="Stadtrundgang")
    entry_a = await _entry(app, call, a, "Team Alpha")
    entry_b = await _entry(app, call, b, "Team Beta")
    juror_a = await _invite(staff, app, call, ["a"])
    juror_all = await _invite(staff, app, call)
    unit = await _logged_in(app, unit_person)
    other_unit = await _logged_in(app, other_unit_person)
    clients += [juror_a, juror_all, unit, other_unit]
    yield {
        "staff": staff,
        "call": call,
        "a": a,
        "b": b,
        "entry_a": entry_a,
        "entry_b": entry_b,
        "juror_a": juror_a,
        "juror_all": juror_all,
        "unit": unit,
        "other_unit": other_unit,
    }
    for client in clients:
        await client.__aexit__(None, None, None)


async def test_invitation_names_challenges_by_key(world):
    staff, call = world["staff"], world["call"]
    unknown = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/jurors",
        {"email": unique_email("j"), "name": "Nina Neu", "challenges": ["a", "zzz"]},
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "challenges"
    jurors = (await api(staff, "GET", f"/api/v1/calls/{call['slug']}/jurors")).json()
    by_user = {j["user_id"]: j for j in jurors}
    assert by_user[str(world["juror_a"].user["id"])]["challenges"] == ["a"]
    assert by_user[str(world["juror_all"].user["id"])]["challenges"] == []
    row = (
        await JurorRow.select(JurorRow.challenges)
        .output(load_json=True)
        .where(JurorRow.user == world["juror_a"].user["id"])
        .first()
    )
    assert row["challenges"] == [str(world["a"]["id"])]
    mail = (
        await OutboxMail.select(OutboxMail.body_text)
        .where(
            (OutboxMail.template == "juror_invitation")
            & (OutboxMail.to_address == world["juror_a"].user["email"])
        )
        .first()
    )
    assert "Umweltdaten sehen" in mail["body_text"] and "Stadtrundgang" not in mail["body_text"]


async def test_staff_page_invites_per_challenge_and_shows_progress(world):
    staff, call = world["staff"], world["call"]
    page = await staff.get(f"/staff/calls/{call['slug']}/jury")
    assert page.status_code == 200
    assert 'name="challenges" value="a"' in page.text and "Stadtrundgang" in page.text
    email = unique_email("form")
    invited = await post_form(
        staff,
        f"/staff/calls/{call['slug']}/jury/invite",
        {"name": "Fritz Form", "email": email, "challenges": ["b"]},
        follow_redirects=False,
    )
    assert invited.status_code == 303, invited.text
    jurors = (await api(staff, "GET", f"/api/v1/calls/{call['slug']}/jurors")).json()
    assert next(j for j in jurors if j["email"] == email)["challenges"] == ["b"]
    wrong = await post_form(
        staff,
        f"/staff/calls/{call['slug']}/jury/invite",
        {"name": "Fritz Falsch", "email": unique_email("x"), "challenges": ["nope"]},
    )
    assert wrong.status_code == 422 and 'id="field-challenges"' in wrong.text


async def test_assignment_keeps_jurors_to_their_challenges(world):
    staff, call = world["staff"], world["call"]
    result = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    assert result.status_code == 200, result.text
    pairs = {
        (a["juror"], a["submission"])
        for a in await Assignment.select(Assignment.juror, Assignment.submission).where(
            Assignment.submission.is_in([world["entry_a"]["id"], world["entry_b"]["id"]])
        )
    }
    juror_a = world["juror_a"].user["id"]
    assert (juror_a, world["entry_b"]["id"]) not in pairs
    assert (world["juror_all"].user["id"], world["entry_b"]["id"]) in pairs
    by_hand = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments",
        {"juror_id": str(juror_a), "submission_id": str(world["entry_b"]["id"])},
    )
    assert by_hand.status_code == 422 and by_hand.json()["code"] == "outside_challenges"
    page = await staff.get(f"/staff/calls/{call['slug']}/jury")
    assert "Umweltdaten sehen" in page.text and "Stadtrundgang" in page.text
    listed = (await api(world["juror_a"], "GET", "/api/v1/jury/assignments")).json()
    assert {a["submission_id"] for a in listed} <= {str(world["entry_a"]["id"])}


async def _assign_raw(call: dict, juror_id, submission_id) -> None:
    """An assignment written past the rules (as old data could hold)."""
    round_ = await Round.select(Round.id).where(Round.call == call["id"]).first()
    if round_ is None:
        round_ = Round(
            call=call["id"], number=1, criteria=call["criteria"], created_at=datetime.now(UTC)
        )
        await round_.save()
        round_ = {"id": round_.id}
    await Assignment(
        round=round_["id"], juror=juror_id, submission=submission_id, created_at=datetime.now(UTC)
    ).save()


async def test_a_juror_of_a_never_reads_or_scores_b(world):
    call, juror_a = world["call"], world["juror_a"]
    entry_a, entry_b = world["entry_a"], world["entry_b"]
    for entry in (entry_a, entry_b):  # even an assignment written past the rules opens nothing
        await _assign_raw(call, juror_a.user["id"], entry["id"])
    declaration = (
        await api(juror_a, "GET", f"/api/v1/jury/calls/{call['slug']}/declaration")
    ).json()
    assert [s["organisation"] for s in declaration["submissions"]] == ["Team Alpha"]
    declared = await api(
        juror_a,
        "POST",
        f"/api/v1/jury/calls/{call['slug']}/conflicts",
        {"submission_id": str(entry_b["id"]), "reason": "kenne ich"},
    )
    assert declared.status_code == 404
    assert (await api(juror_a, "GET", f"/api/v1/jury/reviews/{entry_a['id']}")).status_code == 200
    assert (await api(juror_a, "GET", f"/api/v1/submissions/{entry_a['id']}")).status_code == 200
    assert (await juror_a.get(f"/api/v1/documents/{entry_a['document']}")).status_code == 200
    assert (await api(juror_a, "GET", f"/api/v1/jury/reviews/{entry_b['id']}")).status_code == 404
    scored = await api(
        juror_a, "PUT", f"/api/v1/jury/reviews/{entry_b['id']}", {"scores": {"impact": 5}}
    )
    assert scored.status_code == 404
    assert (await juror_a.get(f"/jury/reviews/{entry_b['id']}")).status_code == 404
    assert (await api(juror_a, "GET", f"/api/v1/submissions/{entry_b['id']}")).status_code == 404
    assert (await juror_a.get(f"/api/v1/documents/{entry_b['document']}")).status_code == 404
    page = await juror_a.get(f"/jury/calls/{call['slug']}")
    assert "Idee von Team Alpha" in page.text and "Idee von Team Beta" not in page.text
    listed = (await api(juror_a, "GET", "/api/v1/jury/assignments")).json()
    assert {a["submission_id"] for a in listed} == {str(entry_a["id"])}


async def test_a_whole_call_juror_reads_every_challenge(world):
    call, juror = world["call"], world["juror_all"]
    for entry in (world["entry_a"], world["entry_b"]):
        await _assign_raw(call, juror.user["id"], entry["id"])
        assert (await api(juror, "GET", f"/api/v1/jury/reviews/{entry['id']}")).status_code == 200
        assert (await juror.get(f"/jury/reviews/{entry['id']}")).status_code == 200
        assert (await juror.get(f"/api/v1/documents/{entry['document']}")).status_code == 200
    declaration = (await api(juror, "GET", f"/api/v1/jury/calls/{call['slug']}/declaration")).json()
    assert {s["organisation"] for s in declaration["submissions"]} == {"Team Alpha", "Team Beta"}


async def test_reminders_per_challenge(world, settings):
    staff, call = world["staff"], world["call"]
    await _assign_raw(call, world["juror_a"].user["id"], world["entry_a"]["id"])
    await _assign_raw(call, world["juror_all"].user["id"], world["entry_b"]["id"])
    page = await post_form(staff, f"/staff/calls/{call['slug']}/jury/remind", {"challenge": "b"})
    assert page.status_code == 200
    reminded = {
        r["user"]
        for r in await JurorRow.select(JurorRow.user).where(
            (JurorRow.call == call["id"]) & JurorRow.last_reminded_at.is_not_null()
        )
    }
    assert reminded == {world["juror_all"].user["id"]}


async def test_unit_comments_for_the_jury(world):
    call, entry_a = world["call"], world["entry_a"]
    url = f"/api/v1/submissions/{entry_a['id']}/unit-comments"
    early = await api(world["unit"], "POST", url, {"body": "Zu früh."})
    assert early.status_code == 404  # before the deadline the unit does not see the proposal
    await Call.update({Call.closes_at: datetime.now(UTC) - timedelta(minutes=1)}).where(
        Call.id == call["id"]
    )
    assert (await api(world["unit"], "POST", url, {"body": "  "})).status_code == 422
    added = await api(world["unit"], "POST", url, {"body": "Passt gut zu unseren Sensordaten."})
    assert added.status_code == 201, added.text
    assert added.json()["unit"] and "email" not in added.json()
    for outsider in (world["other_unit"], world["juror_a"], world["staff"]):
        assert (await api(outsider, "POST", url, {"body": "Nein."})).status_code == 404
    other = f"/api/v1/submissions/{world['entry_b']['id']}/unit-comments"
    assert (await api(world["unit"], "POST", other, {"body": "Fremd."})).status_code == 404
    await _assign_raw(call, world["juror_a"].user["id"], entry_a["id"])
    listed = await api(world["juror_a"], "GET", url)
    assert [c["body"] for c in listed.json()] == ["Passt gut zu unseren Sensordaten."]
    assert world["unit"].user["email"] not in listed.text
    page = await world["juror_a"].get(f"/jury/reviews/{entry_a['id']}")
    assert "Passt gut zu unseren Sensordaten." in page.text
    assert world["unit"].user["email"] not in page.text
    assert (await api(world["juror_all"], "GET", url)).status_code == 404  # not assigned
    assert (await api(world["staff"], "GET", url)).status_code == 200


async def test_a_call_without_challenges_refuses_keys_and_works_as_before(app):
    staff = await _logged_in(app, await make_user(roles=("staff",)))
    try:
        call = await open_call()
        call["id"] = (await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"]
        refused = await api(
            staff,
            "POST",
            f"/api/v1/calls/{call['slug']}/jurors",
            {"email": unique_email("j"), "name": "Nina Neu", "challenges": ["a"]},
        )
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "challenges"
        entry = await _entry(app, call, None, "Team Ohne")
        juror = await _invite(staff, app, call)
        result = await api(
            staff,
            "POST",
            f"/api/v1/calls/{call['slug']}/assignments/auto",
            {"round": 1, "reviews_per_submission": 1},
        )
        assert result.status_code == 200 and result.json()["created"] == 1
        assert (await api(juror, "GET", f"/api/v1/jury/reviews/{entry['id']}")).status_code == 200
        page = await staff.get(f"/staff/calls/{call['slug']}/jury")
        assert 'name="challenges"' not in page.text
        await juror.__aexit__(None, None, None)
    finally:
        await staff.__aexit__(None, None, None)


async def test_a_unit_member_on_the_jury_never_scores_a_team_the_unit_contracts_with(app, world):
    from datetime import date

    from partnerships.tables import Partnership

    staff, call, entry_a = world["staff"], world["call"], world["entry_a"]
    earlier = await open_call(status="closed")
    earlier["id"] = (await Call.select(Call.id).where(Call.slug == earlier["slug"]).first())["id"]
    pilot = await make_challenge(earlier, "pilot", unit={"id": world["a"]["unit"], "name": ""})
    old = Submission(
        call=earlier["id"],
        organisation=entry_a["team"]["id"],
        challenge=pilot["id"],
        title="Pilot",
        status="submitted",
        created_at=datetime.now(UTC),
    )
    await old.save()
    await Partnership(
        number=900_000 + uuid.uuid4().int % 99_999,
        year=2025,
        call=earlier["id"],
        submission=old.id,
        organisation=entry_a["team"]["id"],
        title="Pilot",
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
        total_cents=2_500_000,
        status="active",
        created_at=datetime.now(UTC),
    ).save()
    # the unit's contact joins its own challenge's jury like any juror
    unit = world["unit"]
    invited = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/jurors",
        {"email": unit.user["email"], "name": "Ulla Unit", "challenges": ["a"]},
    )
    assert invited.status_code == 201, invited.text
    declaration = (await api(unit, "GET", f"/api/v1/jury/calls/{call['slug']}/declaration")).json()
    assert [s["organisation"] for s in declaration["submissions"]] == ["Team Alpha"]
    (mark,) = declaration["conflicts"]
    assert mark["submission_id"] == str(entry_a["id"]) and mark["source"] == "rule"
    assert mark["locked"] is True
    taken_back = await api(
        unit,
        "DELETE",
        f"/api/v1/jury/calls/{call['slug']}/conflicts/{mark['id']}",
        {"reason": "Ist doch nicht so."},
    )
    assert taken_back.status_code == 403
    await api(unit, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    assigned = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    assert assigned.status_code == 200, assigned.text
    assert not await Assignment.exists().where(
        (Assignment.juror == unit.user["id"]) & (Assignment.submission == entry_a["id"])
    )
    assert (await api(unit, "GET", f"/api/v1/jury/reviews/{entry_a['id']}")).status_code == 404


async def test_staff_change_a_jurors_challenges_but_not_under_their_assignments(world):
    staff, call, juror = world["staff"], world["call"], world["juror_all"]
    url = f"/api/v1/calls/{call['slug']}/jurors/{juror.user['id']}"
    await _assign_raw(call, juror.user["id"], world["entry_b"]["id"])
    refused = await api(staff, "PUT", url, {"rounds": [1], "challenges": ["a"]})
    assert refused.status_code == 409 and refused.json()["code"] == "assignments_outside"
    assert (
        await api(juror, "GET", f"/api/v1/jury/reviews/{world['entry_b']['id']}")
    ).status_code == 200
    unknown = await api(staff, "PUT", url, {"rounds": [1], "challenges": ["zzz"]})
    assert unknown.status_code == 422
    widened = await api(staff, "PUT", url, {"rounds": [1], "challenges": ["a", "b"]})
    assert widened.status_code == 200 and widened.json()["challenges"] == ["a", "b"]
    kept = await api(staff, "PUT", url, {"rounds": [1]})  # without challenges: unchanged
    assert kept.status_code == 200
    jurors = (await api(staff, "GET", f"/api/v1/calls/{call['slug']}/jurors")).json()
    assert {j["user_id"]: j for j in jurors}[str(juror.user["id"])]["challenges"] == ["a", "b"]
