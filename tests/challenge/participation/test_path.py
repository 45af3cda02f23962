"""From problem to pilot (issue 21, point 3): staff and the city's units turn a published problem
into a challenge draft or link it to a challenge; the path the public sees at each stage (a draft
shows nothing of the unit's text); the forms on the path's page."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

from challenge.challenges.tables import Challenge
from challenge.participation.path.view import path_actions, problem_path
from challenge.participation.tables import ProblemNotice, ResidentProblem
from challenge.platform.audit.tables import AuditEntry
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.tables import Milestone, Partnership
from tests.conftest import http_client
from tests.support.databases import counted_queries
from tests.support.factories import make_call, make_challenge, make_team, make_unit
from tests.support.web import api, login, make_user, post_form


async def published_problem(author=None, *, status="published", **values) -> dict:
    """A resident's problem, published unless ``status`` says otherwise."""
    now = datetime.now(UTC)
    marker = uuid.uuid4().hex[:6]
    row = ResidentProblem(
        author=author["id"] if author else None,
        title=values.pop("title", f"Zu wenige Bänke am Markt {marker}"),
        description=values.pop("description", f"Ältere Menschen finden keinen Sitzplatz. {marker}"),
        district="mitte",
        topic="social",
        status=status,
        created_at=now,
        published_at=now if status == "published" else None,
        **values,
    )
    await row.save()
    return await ResidentProblem.select().where(ResidentProblem.id == row.id).first()


async def signed_in(app, **kwargs):
    """An open client signed in as a new person (``client.user``)."""
    client = http_client(app)
    await client.__aenter__()
    user = await make_user(**kwargs)
    await login(client, user["email"])
    client.user = user
    return client


async def unit_member(app):
    client = await signed_in(app, name="Uta Unit")
    client.unit = await make_unit(members=[client.user["id"]])
    return client


async def reload(problem: dict) -> dict:
    return await ResidentProblem.select().where(ResidentProblem.id == problem["id"]).first()


async def test_staff_turn_a_problem_into_a_draft_of_a_chosen_unit(app):
    staff = await signed_in(app, roles=("staff",))
    unit = await make_unit()
    problem = await published_problem()
    url = f"/api/v1/participation/problems/{problem['id']}/challenge"
    missing = await api(staff, "POST", url, {})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "unit_id"
    created = await api(staff, "POST", url, {"unit_id": str(unit["id"])})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["href"] == f"/staff/challenges/{body['challenge_id']}/edit"
    draft = await Challenge.select().where(Challenge.id == body["challenge_id"]).first()
    assert draft["status"] == "draft" and draft["unit"] == unit["id"]
    assert draft["title"] == problem["title"] and draft["problem"] == problem["description"]
    linked = await reload(problem)
    assert str(linked["challenge"]) == body["challenge_id"]
    assert linked["linked_by"] == staff.user["id"] and linked["linked_at"] is not None
    assert await AuditEntry.exists().where(
        (AuditEntry.action == "problem.challenge_created")
        & (AuditEntry.object_id == str(problem["id"]))
    )
    again = await api(staff, "POST", url, {"unit_id": str(unit["id"])})
    assert again.status_code == 409 and again.json()["code"] == "problem_linked"
    assert await Challenge.count().where(Challenge.unit == unit["id"]) == 1
    assert (await staff.get(body["href"])).status_code == 200


async def test_a_units_member_drafts_for_their_unit_and_lands_on_the_edit_page(app):
    member = await unit_member(app)
    problem = await published_problem()
    other = await make_unit()
    url = f"/api/v1/participation/problems/{problem['id']}/challenge"
    foreign = await api(member, "POST", url, {"unit_id": str(other["id"])})
    assert foreign.status_code == 403
    assert (await reload(problem))["challenge"] is None
    created = await api(member, "POST", url, {})
    assert created.status_code == 201, created.text
    href = created.json()["href"]
    assert href == f"/unit/challenges/{created.json()['challenge_id']}"
    page = await member.get(href)
    assert page.status_code == 200 and problem["title"] in page.text
    draft = await Challenge.select().where(Challenge.id == created.json()["challenge_id"]).first()
    assert draft["unit"] == member.unit["id"]


async def test_residents_and_strangers_are_refused_and_nothing_changes(app):
    resident = await signed_in(app)
    staff = await signed_in(app, roles=("staff",))
    problem = await published_problem()
    pending = await published_problem(status="pending")
    challenge = await make_challenge(await make_call(), "k1")
    before = await Challenge.count()
    url = f"/api/v1/participation/problems/{problem['id']}/challenge"
    assert (await api(resident, "POST", url, {})).status_code == 403
    link = f"/api/v1/participation/problems/{problem['id']}/link"
    assert (
        await api(resident, "PUT", link, {"challenge_id": str(challenge["id"])})
    ).status_code == 403
    anonymous = http_client(app)
    assert (await api(anonymous, "POST", url, {})).status_code == 401
    hidden = f"/api/v1/participation/problems/{pending['id']}/challenge"
    assert (await api(resident, "POST", hidden, {})).status_code == 404
    refused = await api(staff, "POST", hidden, {"unit_id": str(challenge["unit"])})
    assert refused.status_code == 409 and refused.json()["code"] == "problem_not_published"
    assert await Challenge.count() == before
    assert (await reload(problem))["challenge"] is None
    assert await path_actions(None, problem) == {}


async def test_linking_rules(app):
    member = await unit_member(app)
    staff = await signed_in(app, roles=("staff",))
    call = await make_call()
    own = await make_challenge(call, "eigen", unit=member.unit)
    foreign = await make_challenge(call, "fremd")
    declined = await make_challenge(call, "abgelehnt", unit=member.unit, status="declined")
    problem = await published_problem()
    link = f"/api/v1/participation/problems/{problem['id']}/link"
    assert (await api(member, "PUT", link, {"challenge_id": str(foreign["id"])})).status_code == 404
    closed = await api(member, "PUT", link, {"challenge_id": str(declined["id"])})
    assert closed.status_code == 409 and closed.json()["code"] == "challenge_closed"
    done = await api(member, "PUT", link, {"challenge_id": str(own["id"])})
    assert done.status_code == 200 and done.json()["challenge_id"] == str(own["id"])
    relink = await api(member, "PUT", link, {"challenge_id": str(own["id"])})
    assert relink.status_code == 409  # only staff change a link once set
    await ProblemNotice(problem=problem["id"], step="challenge", sent_at=datetime.now(UTC)).save()
    moved = await api(staff, "PUT", link, {"challenge_id": str(foreign["id"])})
    assert moved.status_code == 200 and (await reload(problem))["challenge"] == foreign["id"]
    assert not await ProblemNotice.exists().where(ProblemNotice.problem == problem["id"])
    assert (await api(member, "DELETE", link)).status_code == 403
    assert (await api(staff, "DELETE", link)).status_code == 204
    unlinked = await reload(problem)
    assert unlinked["challenge"] is None and unlinked["linked_at"] is None
    assert await AuditEntry.exists().where(
        (AuditEntry.action == "problem.unlinked") & (AuditEntry.object_id == str(problem["id"]))
    )


async def test_the_path_page_offers_the_forms_only_to_those_allowed(app):
    staff = await signed_in(app, roles=("staff",))
    resident = await signed_in(app)
    unit = await make_unit(name=f"Amt für Bänke {uuid.uuid4().hex[:6]}")
    problem = await published_problem()
    page = f"/mitmachen/{problem['id']}/weg"
    assert (await resident.get(page)).status_code == 403
    shown = await staff.get(page)
    assert shown.status_code == 200 and "Challenge-Entwurf anlegen" in shown.text
    assert unit["name"] in shown.text
    refused = await post_form(staff, f"{page}/challenge", {"unit_id": ""})
    assert refused.status_code == 422 and "Wählen Sie die Einheit" in refused.text
    assert (await reload(problem))["challenge"] is None
    made = await post_form(staff, f"{page}/challenge", {"unit_id": str(unit["id"])})
    assert made.status_code == 303
    challenge_id = (await reload(problem))["challenge"]
    assert made.headers["location"] == f"/staff/challenges/{challenge_id}/edit"
    bad = await post_form(staff, f"{page}/verknuepfen", {"challenge_id": "kein-wert"})
    assert bad.status_code == 422 and "Wählen Sie eine der Möglichkeiten" in bad.text
    declined = await make_challenge(await make_call(), "alt", status="declined")
    closed = await post_form(staff, f"{page}/verknuepfen", {"challenge_id": str(declined["id"])})
    assert closed.status_code == 409 and "abgelehnte oder zurückgezogene" in closed.text
    assert (await reload(problem))["challenge"] == challenge_id
    confirm = await staff.get(f"{page}/trennen")
    assert confirm.status_code == 200 and "Verknüpfung entfernen" in confirm.text
    removed = await post_form(staff, f"{page}/trennen", {})
    assert removed.status_code == 303 and (await reload(problem))["challenge"] is None


# --- the path at each stage --------------------------------------------------------------


async def stage_world(app):
    """A problem linked to a draft challenge of a unit (no call yet)."""
    unit = await make_unit()
    problem = await published_problem()
    draft = Challenge(
        unit=unit["id"],
        title=f"Interner Arbeitstitel {uuid.uuid4().hex[:6]}",
        problem="Vertraulicher Entwurfstext des Amtes",
        status="draft",
        created_at=datetime.now(UTC),
    )
    await draft.save()
    await ResidentProblem.update(
        {ResidentProblem.challenge: draft.id, ResidentProblem.linked_at: datetime.now(UTC)}
    ).where(ResidentProblem.id == problem["id"])
    return unit, await reload(problem), draft


async def publish_in_call(draft, **call_values) -> dict:
    call = await make_call(**call_values)
    from challenge.calls.tables import Call

    row = await Call.select().where(Call.slug == call["slug"]).first()
    await Challenge.update(
        {Challenge.status: "approved", Challenge.call: row["id"], Challenge.key: "baenke"}
    ).where(Challenge.id == draft.id)
    return row


async def test_a_draft_shows_only_that_the_city_is_working_on_it(app):
    _unit, problem, draft = await stage_world(app)
    steps = await problem_path(problem)
    assert [s["key"] for s in steps] == ["challenge"]
    assert steps[0]["label"] == "The city is working on a challenge from this problem"
    text = json.dumps(steps, default=str)
    assert draft.title not in text and "Vertraulicher" not in text and "href" not in text


async def test_the_path_through_call_proposals_results_pilot_and_milestones(app):
    unit, problem, draft = await stage_world(app)
    now = datetime.now(UTC)
    call = await publish_in_call(draft, closes_at=now + timedelta(days=5))
    steps = await problem_path(problem)
    assert [s["key"] for s in steps] == ["challenge", "call"]
    assert steps[0]["detail"] == draft.title
    assert steps[0]["href"] == f"/calls/{call['slug']}/challenges/baenke"
    assert steps[1]["detail"] == call["title"] and steps[1]["deadline"] == call["closes_at"]

    owners = [await make_user() for _ in range(3)]
    teams = [await make_team(o["id"], name=f"Team Bank {n}") for n, o in enumerate(owners)]
    entries = []
    for n, team in enumerate(teams):
        entry = Submission(
            call=call["id"],
            organisation=team["id"],
            challenge=draft.id,
            title=f"Bankidee {n}",
            status="submitted" if n < 2 else "draft",
            reference=f"B-{uuid.uuid4().hex[:8]}",
            consent_publication=True,
            created_at=now,
        )
        await entry.save()
        entries.append(entry)
    from challenge.calls.tables import Call

    await Call.update({Call.closes_at: now - timedelta(hours=1)}).where(Call.id == call["id"])
    steps = await problem_path(problem)
    assert steps[-1]["key"] == "proposals" and steps[-1]["count"] == 2

    await Decision(
        call=call["id"], submission=entries[0].id, outcome="development", created_at=now
    ).save()
    await Decision(
        call=call["id"], submission=entries[1].id, outcome="not_selected", created_at=now
    ).save()
    await Call.update({Call.results_published_at: now, Call.status: "results_published"}).where(
        Call.id == call["id"]
    )
    steps = await problem_path(problem)
    assert steps[-1]["key"] == "selected" and steps[-1]["detail"] == "Team Bank 0"
    assert steps[-1]["href"] == f"/calls/{call['slug']}/results"

    pilot = Partnership(
        number=900_000 + uuid.uuid4().int % 90_000,
        year=2027,
        call=call["id"],
        submission=entries[0].id,
        kind="pilot",
        organisation=teams[0]["id"],
        title="Sitzbank-Pilot",
        start_date=date(2027, 1, 1),
        end_date=date(2027, 12, 31),
        total_cents=50_000_00,
        status="draft",
        created_at=now,
    )
    await pilot.save()
    assert [s["key"] for s in await problem_path(problem)][-1] == "selected"  # not signed
    await Partnership.update({Partnership.status: "active", Partnership.signed_at: now}).where(
        Partnership.id == pilot.id
    )
    for n, status in enumerate(("approved", "planned", "planned")):
        await Milestone(
            partnership=pilot.id,
            position=n,
            title=f"M{n}",
            due_date=date(2027, 3, 1),
            amount_cents=10_000_00,
            status=status,
            approved_at=now if status == "approved" else None,
        ).save()
    with counted_queries() as seen:
        steps = await problem_path(problem)
    assert len(seen) <= 12, seen
    assert [s["key"] for s in steps] == [
        "challenge",
        "call",
        "proposals",
        "selected",
        f"pilot:{pilot.number}",
        f"milestones:{pilot.number}:1",
    ]
    assert steps[-2]["href"] == f"/projects/{pilot.id}" and steps[-2]["detail"] == "Sitzbank-Pilot"
    assert (steps[-1]["met"], steps[-1]["total"]) == (1, 3)

    visitor = await signed_in(app, roles=("staff",))
    page = await visitor.get(f"/mitmachen/{problem['id']}/weg")
    assert "Sitzbank-Pilot" in page.text and "1 von 3" in page.text
    assert "Team Bank 0" in page.text


async def test_the_demo_links_the_tree_problem_to_the_open_calls_challenge_once(app, settings):
    from challenge.participation.path import demo

    found = await ResidentProblem.select().where(ResidentProblem.title == demo.TITLE).first()
    if found is None:
        found = await published_problem(title=demo.TITLE)
    await ResidentProblem.update({ResidentProblem.challenge: None}).where(
        ResidentProblem.id == found["id"]
    )
    call = await make_call(opens_at=datetime.now(UTC) - timedelta(minutes=1))
    trees = await make_challenge(call, "stadtbaeume", title="Stadtbäume im Trockenstress")
    assert await demo.load_demo(settings) == 1
    assert await demo.load_demo(settings) == 0
    linked = await reload(found)
    assert linked["challenge"] == trees["id"]
    steps = await problem_path(linked)
    assert [s["key"] for s in steps] == ["challenge", "call"]
    assert steps[0]["detail"] == "Stadtbäume im Trockenstress"


async def test_the_problem_page_shows_the_path_to_everyone_and_the_forms_to_staff(app, client):
    _unit, problem, draft = await stage_world(app)
    page = await client.get(f"/mitmachen/{problem['id']}")
    assert page.status_code == 200
    assert "Vom Problem zum Pilotprojekt" in page.text
    assert "Die Stadt arbeitet an einer Challenge zu diesem Problem" in page.text
    assert draft.title not in page.text and "Challenge-Entwurf anlegen" not in page.text
    call = await publish_in_call(draft)
    page = await client.get(f"/mitmachen/{problem['id']}")
    assert draft.title in page.text and f"/calls/{call['slug']}/challenges/baenke" in page.text
    staff = await signed_in(app, roles=("staff",))
    shown = await staff.get(f"/mitmachen/{problem['id']}")
    assert "Verknüpfung mit der Challenge entfernen" in shown.text
    assert f"/mitmachen/{problem['id']}/weg/trennen" in shown.text
    resident = await signed_in(app)
    assert "/weg/" not in (await resident.get(f"/mitmachen/{problem['id']}")).text
    fresh = await published_problem()
    offered = await staff.get(f"/mitmachen/{fresh['id']}")
    assert "Challenge-Entwurf anlegen" in offered.text
    api_view = (await client.get(f"/api/v1/participation/problems/{problem['id']}")).json()
    assert [s["key"] for s in api_view["path"]] == ["challenge", "call"]


async def test_twenty_parallel_drafts_from_one_problem_make_one_challenge(app):
    import asyncio

    staff = [await signed_in(app, roles=("staff",)) for _ in range(4)]
    unit = await make_unit()
    problem = await published_problem()
    url = f"/api/v1/participation/problems/{problem['id']}/challenge"
    answers = await asyncio.gather(
        *(api(staff[n % 4], "POST", url, {"unit_id": str(unit["id"])}) for n in range(20))
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [409] * 19, [a.text for a in answers if a.status_code >= 500]
    assert await Challenge.count().where(Challenge.unit == unit["id"]) == 1
    created = next(a.json() for a in answers if a.status_code == 201)
    assert str((await reload(problem))["challenge"]) == created["challenge_id"]


async def test_the_api_names_the_challenge_only_once_it_is_public(app):
    _unit, problem, draft = await stage_world(app)
    async with http_client(app) as client:
        one = (await client.get(f"/api/v1/participation/problems/{problem['id']}")).json()
        listed = (await client.get("/api/v1/participation/problems", params={"sort": "new"})).json()
        assert one["challenge"] is None  # a draft: not even its id
        [item] = [i for i in listed["items"] if i["id"] == str(problem["id"])]
        assert item["challenge"] is None
        await publish_in_call(draft)
        one = (await client.get(f"/api/v1/participation/problems/{problem['id']}")).json()
        assert one["challenge"] == str(draft.id)
