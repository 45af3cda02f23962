"""The development workspace (issue 18, point 2): who sees it, the checklist (created once, also
under 20 parallel first reads), audited updates, meetings, files and who reads them, the phase's
dates set by staff, and the pages."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from challenge import db
from challenge.calls.tables import Call
from challenge.jury.tables import Juror
from challenge.platform.audit.tables import AuditEntry
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.contracts.creation import insert
from partnerships.contracts.schemas import PartnershipIn
from partnerships.development.tables import ChecklistItem, Offer
from partnerships.tables import Partnership
from tests.conftest import http_client
from tests.partnerships.conftest import upload
from tests.support.factories import make_call, make_challenge, make_team, make_unit
from tests.support.files import pdf
from tests.support.web import api, csrf, login, make_user, post_form, unique_email


class Clients:
    """Signed-in clients by role, closed at the end."""

    def __init__(self, app):
        self.app = app
        self.open = []

    async def of(self, user):
        client = http_client(self.app)
        await client.__aenter__()
        await login(client, user["email"])
        self.open.append(client)
        return client

    async def close(self):
        for client in self.open:
            await client.__aexit__(None, None, None)


async def _entry(call, challenge, *, selected=True):
    owner = await make_user(name="Tina Team", email=unique_email("team"))
    team = await make_team(owner["id"], name=f"Team {uuid.uuid4().hex[:6]}")
    submission = Submission(
        call=call["id"],
        organisation=team["id"],
        challenge=challenge["id"],
        title="Kühle Wege",
        status="submitted",
        reference=f"W-{uuid.uuid4().hex[:8]}",
        created_at=datetime.now(UTC),
    )
    await submission.save()
    if selected:
        await Decision(
            call=call["id"],
            submission=submission.id,
            outcome="development",
            award_cents=0,
            rationale="Gut",
            created_at=datetime.now(UTC),
        ).save()
    return {"id": submission.id, "owner": owner, "team": team}


async def world(*, published=True):
    """A call with challenge ``a``: two selected teams, one not selected, the unit's member and
    a juror of the call."""
    now = datetime.now(UTC)
    made = await make_call(
        status="results_published" if published else "published",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        results_published_at=now if published else None,
    )
    call = await Call.select().where(Call.slug == made["slug"]).first()
    member = await make_user(name="Ulla Unit", email=unique_email("unit"))
    unit = await make_unit(f"Amt für Umwelt {uuid.uuid4().hex[:4]}", members=[member["id"]])
    challenge = await make_challenge(
        made,
        "a",
        unit=unit,
        title="Kühle Wege",
        contact_name="Karla Kontakt",
        mentor_name="Max Mentor",
    )
    juror = await make_user(name="Jan Juror", email=unique_email("juror"))
    await Juror(call=call["id"], user=juror["id"], invited_at=now, accepted_at=now).save()
    return {
        "call": call,
        "challenge": challenge,
        "unit": unit,
        "member": member,
        "juror": juror,
        "entry": await _entry(call, challenge),
        "other": await _entry(call, challenge),
        "rejected": await _entry(call, challenge, selected=False),
    }


def url(entry, tail=""):
    return f"/api/v1/submissions/{entry['id']}/development{tail}"


async def test_team_unit_and_staff_see_the_workspace_jurors_and_others_do_not(app, clients):
    w = await world()
    people = Clients(app)
    try:
        team = await people.of(w["entry"]["owner"])
        unit = await people.of(w["member"])
        juror = await people.of(w["juror"])
        other = await people.of(w["other"]["owner"])
        for client in (team, unit, clients["staff"]):
            response = await client.get(url(w["entry"]))
            assert response.status_code == 200, response.text
            page = await client.get(f"/development/{w['entry']['id']}")
            assert page.status_code == 200 and "Karla Kontakt" in page.text
            data = response.json()
            assert data["unit"] == w["unit"]["name"]
            assert data["contact_name"] == "Karla Kontakt" and data["mentor_name"] == "Max Mentor"
            assert data["stipend"] is None and data["offer"] is None
            assert data["starts_on"] < data["ends_on"] and data["offer_due_at"]
            assert [i["key"] for i in data["checklist"]] == [
                "data_access",
                "data_protection",
                "infrastructure",
                "operation",
                "procurement",
            ]
        assert (await team.get(url(w["entry"]))).json()["checklist"][0]["title"] == (
            "Datenzugang gewährt"
        )
        for client in (juror, other, clients["finance"]):
            assert (await client.get(url(w["entry"]))).status_code == 404
            page = await client.get(f"/development/{w['entry']['id']}")
            assert page.status_code == 404
        # an entry that was not selected has no workspace, even for staff
        assert (await clients["staff"].get(url(w["rejected"]))).status_code == 404
        anonymous = http_client(app)
        async with anonymous:
            assert (await anonymous.get(url(w["entry"]))).status_code == 401
    finally:
        await people.close()


async def test_team_and_unit_see_the_workspace_only_after_the_results_are_published(app, clients):
    w = await world(published=False)
    people = Clients(app)
    try:
        team = await people.of(w["entry"]["owner"])
        unit = await people.of(w["member"])
        # before: a blind call's unit would learn the team's name from the workspace
        assert (await team.get(url(w["entry"]))).status_code == 404
        assert (await unit.get(url(w["entry"]))).status_code == 404
        assert (await clients["staff"].get(url(w["entry"]))).status_code == 200
        await Call.update({Call.results_published_at: datetime.now(UTC)}).where(
            Call.id == w["call"]["id"]
        )
        assert (await team.get(url(w["entry"]))).status_code == 200
        assert (await unit.get(url(w["entry"]))).status_code == 200
    finally:
        await people.close()


async def test_the_checklist_is_created_once_under_twenty_parallel_first_reads(app, clients):
    w = await world()
    responses = await asyncio.gather(*(clients["staff"].get(url(w["entry"])) for _ in range(20)))
    assert [r.status_code for r in responses] == [200] * 20
    assert {len(r.json()["checklist"]) for r in responses} == {5}
    rows = await ChecklistItem.select(ChecklistItem.key).where(
        ChecklistItem.submission == w["entry"]["id"]
    )
    assert sorted(r["key"] for r in rows) == sorted(
        ["data_access", "data_protection", "infrastructure", "operation", "procurement"]
    )
    created = await AuditEntry.count().where(
        (AuditEntry.action == "development.checklist_created")
        & (AuditEntry.object_id == str(w["entry"]["id"]))
    )
    assert created == 1
    again = await clients["staff"].get(url(w["entry"]))
    assert len(again.json()["checklist"]) == 5
    assert await ChecklistItem.count().where(ChecklistItem.submission == w["entry"]["id"]) == 5


async def test_checklist_updates_are_audited_with_who_and_when(app, clients):
    w = await world()
    people = Clients(app)
    try:
        unit = await people.of(w["member"])
        team = await people.of(w["entry"]["owner"])
        body = {
            "status": "in_progress",
            "owner": "city",
            "note": "Schnittstelle beantragt",
            "due_on": "2027-01-15",
        }
        changed = await api(unit, "PUT", url(w["entry"], "/checklist/data_access"), body)
        assert changed.status_code == 200, changed.text
        assert changed.json()["status"] == "in_progress"
        assert changed.json()["due_on"] == "2027-01-15"
        done = await api(
            team,
            "PUT",
            url(w["entry"], "/checklist/operation"),
            {**body, "status": "done", "owner": "team"},
        )
        assert done.status_code == 200
        item = (
            await ChecklistItem.select()
            .where(
                (ChecklistItem.submission == w["entry"]["id"])
                & (ChecklistItem.key == "data_access")
            )
            .first()
        )
        assert item["updated_by"] == w["member"]["id"] and item["note"] == "Schnittstelle beantragt"
        audit = await AuditEntry.select(AuditEntry.actor_id, AuditEntry.payload).where(
            (AuditEntry.action == "development.checklist_updated")
            & (AuditEntry.object_id == str(w["entry"]["id"]))
        )
        assert {a["actor_id"] for a in audit} == {w["member"]["id"], w["entry"]["owner"]["id"]}
        # refusals change nothing
        for bad in ({**body, "status": "finished"}, {**body, "owner": "jury"}):
            refused = await api(unit, "PUT", url(w["entry"], "/checklist/data_access"), bad)
            assert refused.status_code == 422 and refused.json()["code"] == "validation_error"
        unknown = await api(unit, "PUT", url(w["entry"], "/checklist/nope"), body)
        assert unknown.status_code == 404
        juror = await people.of(w["juror"])
        assert (
            await api(juror, "PUT", url(w["entry"], "/checklist/data_access"), body)
        ).status_code == 404
        data = (await unit.get(url(w["entry"]))).json()
        assert data["checklist"][0]["status"] == "in_progress"
        assert (
            await AuditEntry.count().where(
                (AuditEntry.action == "development.checklist_updated")
                & (AuditEntry.object_id == str(w["entry"]["id"]))
            )
            == 2
        )
        teams = await clients["staff"].get(f"/api/v1/calls/{w['call']['slug']}/development/teams")
        assert teams.status_code == 200
        mine = next(t for t in teams.json() if t["submission_id"] == str(w["entry"]["id"]))
        assert mine["checklist_done"] == 1 and mine["checklist_total"] == 5
        assert mine["stipend"] is None and mine["offer"] is None
        assert len(teams.json()) == 2
    finally:
        await people.close()


async def test_meetings_newest_first_with_sanitised_minutes(app, clients):
    w = await world()
    people = Clients(app)
    try:
        team = await people.of(w["entry"]["owner"])
        first = await api(
            team,
            "POST",
            url(w["entry"], "/meetings"),
            {
                "held_at": "2027-01-10T10:00:00+01:00",
                "participants": "Tina Team, Ulla Unit",
                "minutes": "## Ergebnis\n\n- **Datenzugang** klären\n\n<script>alert(1)</script>",
            },
        )
        assert first.status_code == 201, first.text
        second = await api(
            team,
            "POST",
            url(w["entry"], "/meetings"),
            {"held_at": "2027-01-20T14:00:00+01:00", "participants": "Alle"},
        )
        assert second.status_code == 201
        meetings = (await team.get(url(w["entry"]))).json()["meetings"]
        assert [m["participants"] for m in meetings] == ["Alle", "Tina Team, Ulla Unit"]
        page = await team.get(f"/development/{w['entry']['id']}")
        assert page.status_code == 200
        assert "<strong>Datenzugang</strong>" in page.text
        assert "<script>alert(1)</script>" not in page.text
        for bad in (
            {"held_at": "2027-01-10T10:00:00", "participants": "A"},
            {"held_at": "2027-01-10T10:00:00+01:00", "participants": "  "},
        ):
            refused = await api(team, "POST", url(w["entry"], "/meetings"), bad)
            assert refused.status_code == 422
        juror = await people.of(w["juror"])
        body = {"held_at": "2027-01-10T10:00:00+01:00", "participants": "A"}
        assert (await api(juror, "POST", url(w["entry"], "/meetings"), body)).status_code == 404
        assert len((await team.get(url(w["entry"]))).json()["meetings"]) == 2
    finally:
        await people.close()


async def test_files_are_read_by_team_unit_and_staff_only(app, clients):
    w = await world()
    people = Clients(app)
    try:
        team = await people.of(w["entry"]["owner"])
        unit = await people.of(w["member"])
        juror = await people.of(w["juror"])
        other = await people.of(w["other"]["owner"])
        added = await upload(unit, url(w["entry"], "/files"), pdf("Testgelände"), "gelaende.pdf")
        assert added.status_code == 201, added.text
        file = added.json()
        assert file["filename"] == "gelaende.pdf"
        listed = (await team.get(url(w["entry"]))).json()["files"]
        assert [f["id"] for f in listed] == [file["id"]]
        for client in (team, unit, clients["staff"]):
            assert (await client.get(file["url"])).status_code == 200
        for client in (juror, other, clients["finance"]):
            assert (await client.get(file["url"])).status_code in (403, 404)
        refused = await upload(juror, url(w["entry"], "/files"), pdf("x"), "x.pdf")
        assert refused.status_code == 404
        wrong = await upload(team, url(w["entry"], "/files"), b"MZ\x90\x00binary", "virus.exe")
        assert wrong.status_code in (415, 422)
        assert len((await team.get(url(w["entry"]))).json()["files"]) == 1
    finally:
        await people.close()


async def test_stipend_and_offer_status_show_in_the_workspace(app, clients):
    w = await world()
    staff_user = clients["staff"].user

    class Actor:
        id = staff_user["id"]
        email = staff_user["email"]

    async with db.write_transaction():
        await insert(
            Actor(),
            PartnershipIn(
                submission_id=w["entry"]["id"],
                title="Stipendium",
                start_date=date(2027, 1, 1),
                end_date=date(2027, 2, 28),
                total_cents=2_000_00,
            ),
            kind="stipend",
        )
    await Offer(
        submission=w["entry"]["id"],
        challenge=w["challenge"]["id"],
        version=3,
        status="draft",
        created_at=datetime.now(UTC),
    ).save()
    data = (await clients["staff"].get(url(w["entry"]))).json()
    assert data["stipend"]["status"] == "draft" and data["stipend"]["partnership_id"]
    assert data["offer"] == {"status": "draft", "version": 3}
    teams = (
        await clients["staff"].get(f"/api/v1/calls/{w['call']['slug']}/development/teams")
    ).json()
    mine = next(t for t in teams if t["submission_id"] == str(w["entry"]["id"]))
    assert mine["offer"] == {"status": "draft", "version": 3}
    assert mine["stipend"]["status"] == "draft"
    page = await clients["staff"].get(f"/development/{w['entry']['id']}")
    assert "Entwurf" in page.text and f"/development/{w['entry']['id']}/offer" in page.text
    # staff setting the phase moves the draft stipend agreement to the new dates
    phase = {"starts_on": "2027-01-04", "ends_on": "2027-02-26", "bonus_cap_cents": 1_000_000}
    saved = await api(
        clients["staff"], "PUT", f"/api/v1/calls/{w['call']['slug']}/development", phase
    )
    assert saved.status_code == 200, saved.text
    stipend = (
        await Partnership.select(Partnership.start_date, Partnership.end_date)
        .where(Partnership.id == UUID(data["stipend"]["partnership_id"]))
        .first()
    )
    assert stipend == {"start_date": date(2027, 1, 4), "end_date": date(2027, 2, 26)}


async def test_staff_set_the_phase_dates_with_validation(app, clients):
    w = await world()
    people = Clients(app)
    phase_url = f"/api/v1/calls/{w['call']['slug']}/development"
    try:
        defaults = (await clients["staff"].get(phase_url)).json()
        assert defaults["set"] is False
        good = {
            "starts_on": "2027-01-04",
            "ends_on": "2027-02-28",
            "offer_due_at": "2027-02-28T18:00:00+01:00",
            "bonus_cap_cents": 800_000,
        }
        saved = await api(clients["staff"], "PUT", phase_url, good)
        assert saved.status_code == 200, saved.text
        assert saved.json()["set"] is True and saved.json()["bonus_cap_cents"] == 800_000
        for bad, field in (
            ({**good, "ends_on": "2027-01-01"}, "ends_on"),
            ({**good, "offer_due_at": "2026-06-01T12:00:00+02:00"}, "offer_due_at"),
            ({**good, "bonus_cap_cents": -1}, "bonus_cap_cents"),
        ):
            refused = await api(clients["staff"], "PUT", phase_url, bad)
            assert refused.status_code == 422
            assert field in {e["field"] for e in refused.json()["errors"]}
        after = (await clients["staff"].get(phase_url)).json()
        assert after["ends_on"] == "2027-02-28" and after["bonus_cap_cents"] == 800_000
        team = await people.of(w["entry"]["owner"])
        assert (await team.get(url(w["entry"]))).json()["offer_due_at"].startswith("2027-02-28T")
        assert (await api(team, "PUT", phase_url, good)).status_code == 403
        assert (await team.get(f"{phase_url}/teams")).status_code == 403
        missing = await clients["staff"].get("/api/v1/calls/no-such-call/development")
        assert missing.status_code == 404
    finally:
        await people.close()


async def test_the_pages_work_without_javascript(app, clients):
    w = await world()
    people = Clients(app)
    base = f"/development/{w['entry']['id']}"
    try:
        team = await people.of(w["entry"]["owner"])
        page = await team.get(base)
        assert page.status_code == 200
        assert "Entwicklungsphase" in page.text or "Arbeitsbereich" in page.text
        assert "Karla Kontakt" in page.text and "Max Mentor" in page.text
        assert "kern-task-list" in page.text and "Noch keine Besprechungen" in page.text
        saved = await post_form(
            team,
            f"{base}/checklist/operation",
            {"status": "done", "owner": "team", "note": "Betrieb durch Stadtwerke", "due_on": ""},
            follow_redirects=True,
        )
        assert saved.status_code == 200 and "gespeichert" in saved.text
        assert "Betrieb durch Stadtwerke" in saved.text
        refused = await post_form(
            team,
            f"{base}/checklist/operation",
            {"status": "done", "owner": "team", "due_on": "morgen"},
        )
        assert refused.status_code == 422 and "JJJJ-MM-TT" in refused.text
        meeting = await post_form(
            team,
            f"{base}/meetings",
            {"held_at": "2027-01-12T09:30", "participants": "Tina, Ulla", "minutes": "**Start**"},
            follow_redirects=True,
        )
        assert meeting.status_code == 200 and "<strong>Start</strong>" in meeting.text
        empty = await post_form(team, f"{base}/meetings", {"held_at": "", "participants": ""})
        assert empty.status_code == 422
        token = await csrf(team)
        filed = await upload(team, f"{base}/files?_csrf_token={token}", pdf("Plan"), "plan.pdf")
        assert filed.status_code == 303
        shown = await team.get(f"{base}?notice=file")
        assert "plan.pdf" in shown.text
        staff_page = await clients["staff"].get(f"/staff/calls/{w['call']['slug']}/development")
        assert staff_page.status_code == 200
        assert w["entry"]["team"]["name"] in staff_page.text and "1 von 5" in staff_page.text
        dates = await post_form(
            clients["staff"],
            f"/staff/calls/{w['call']['slug']}/development",
            {
                "starts_on": "2027-01-04",
                "ends_on": "2027-02-28",
                "offer_due_at": "",
                "bonus_cap": "10.000,00",
            },
            follow_redirects=True,
        )
        assert dates.status_code == 200 and "gespeichert" in dates.text
        unconfirmed = await post_form(
            clients["staff"],
            f"/staff/calls/{w['call']['slug']}/development",
            {
                "starts_on": "2027-01-11",
                "ends_on": "2027-02-28",
                "offer_due_at": "",
                "bonus_cap": "10.000,00",
            },
        )
        assert unconfirmed.status_code == 422
        assert (await team.get(f"/staff/calls/{w['call']['slug']}/development")).status_code in (
            401,
            403,
        )
    finally:
        await people.close()
