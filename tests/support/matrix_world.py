"""The objects the route matrix works on: real calls, teams, a submitted proposal with attachments,
jurors (one assigned, one conflicted), a running partnership, library documents, tokens, and
residents' problems with a comment, and a people's prize on the open call (issue 21).

Every object is made the way the portal makes it (through the API where that is cheap), so the
object-level checks of the services are exercised, not bypassed. Routes that destroy something
get their own spare object (a document to delete, a member to remove, a team whose ownership
changes), so the order of the routes does not matter for them; only withdrawing A's proposal
runs last (tests/support/matrix_requests.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar

from challenge.calls.tables import Call
from challenge.challenges.tables import UnitMember
from challenge.jury.tables import Round
from challenge.platform.accounts.sessions import cookie_name, create_session
from challenge.platform.documents.tables import Document
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.milestones.calendar import feed_token
from tests.conftest import http_client
from tests.partnerships.conftest import plan
from tests.support.factories import QUESTIONS, make_call, make_challenge, make_team, make_unit
from tests.support.files import multipart, pdf
from tests.support.route_matrix import ROLES
from tests.support.web import api, csrf, make_user, post_form

PROPOSAL = {
    "title": "Schattenplaner",
    "summary": "Wir planen Schatten.",
    "category": "Hitze",
    "answers": {"problem": "Hitzeinseln im Osten", "licence": "EUPL-1.2", "staff": 4},
}
ROLE_GRANTS = {"staff": ("staff",), "finance": ("finance",), "admin": ("admin",)}


@dataclass
class World:
    """Role → logged-in client and user; object name → id (or slug) for the path placeholders."""

    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)
    users: dict[str, dict] = field(default_factory=dict)
    objects: dict[str, str] = field(default_factory=dict)
    cookie: str = "session"

    async def relogin(self, role: str) -> None:
        """A fresh session for the role (after a logout route ended the old one)."""
        await start_session(self.clients[role], self.users[role]["id"], self.cookie)

    async def close(self) -> None:
        for client in self.clients.values():
            await client.__aexit__(None, None, None)


async def start_session(client: httpx.AsyncClient, user_id, cookie: str) -> None:
    """Log in without the password round (argon2 costs a quarter second per login)."""
    client.cookies.set(cookie, await create_session(user_id, max_days=1))


async def _upload(client: httpx.AsyncClient, url: str, filename: str) -> dict:
    body, content_type = multipart(filename, pdf(filename))
    response = await client.post(
        url, content=body, headers={"content-type": content_type, "x-csrftoken": await csrf(client)}
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def _ok(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201, 202), (
        response.request.url,
        response.status_code,
        response.text,
    )
    return response.json() if response.content else {}


async def _development_call(objects: dict, team_a: dict, unit: dict, now: datetime) -> None:
    """A call in the development phase (results published): A's entry to its challenge, owned by
    the unit role's city unit, is selected; B's entry to the same challenge is not."""
    call = await make_call(
        status="results_published",
        opens_at=now - timedelta(days=120),
        closes_at=now - timedelta(days=60),
        budget_cents=100_000_00,
        results_published_at=now - timedelta(days=7),
    )
    call_id = (await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"]
    challenge = await make_challenge(call, "a", unit=unit, title="Entwicklung A")
    selected = Submission(
        call=call_id,
        organisation=team_a["id"],
        challenge=challenge["id"],
        title="Kühle Wege – Entwicklung",
        status="submitted",
        reference=f"D-{uuid.uuid4().hex[:8]}",
        created_at=now,
        submitted_at=now - timedelta(days=61),
    )
    await selected.save()
    await Decision(
        call=call_id,
        submission=selected.id,
        outcome="development",
        award_cents=2_000_00,
        rationale="Überzeugend",
        created_at=now,
    ).save()
    objects.update(
        development_call=call["slug"],
        selected_submission=str(selected.id),
        checklist_key="data_access",
    )


async def build_world(app: Litestar) -> World:
    world = World(cookie=cookie_name(app.state.settings.https))
    objects = world.objects
    for role in ROLES:
        client = http_client(app)
        await client.__aenter__()
        world.clients[role] = client
        if role != "anonymous":
            names = {"applicant_a": "Anna Antrag", "applicant_b": "Berta Bewerbung"}
            user = await make_user(
                roles=ROLE_GRANTS.get(role, ()), name=names.get(role, f"Rolle {role}")
            )
            world.users[role] = user
            await world.relogin(role)
    a, b, staff = world.clients["applicant_a"], world.clients["applicant_b"], world.clients["staff"]
    a_id = world.users["applicant_a"]["id"]

    # Teams: A's team with a teammate who stays and two members that remove routes take away;
    # a second team of A's whose ownership the make-owner routes change; B's own team.
    teammate, removed_by_api, removed_by_page, new_owner = [
        await make_user(name=f"Mitglied {n}") for n in ("Max", "Api", "Seite", "Olga")
    ]
    team_a = await make_team(
        a_id,
        name="Team Anna",
        members=[teammate["id"], removed_by_api["id"], removed_by_page["id"]],
    )
    team_spare = await make_team(a_id, name="Team Anna Zwei", members=[new_owner["id"]])
    team_b = await make_team(world.users["applicant_b"]["id"], name="Team Berta")
    objects.update(
        team=str(team_a["id"]),
        team_spare=str(team_spare["id"]),
        teammate=str(teammate["id"]),
        member_removed_by_api=str(removed_by_api["id"]),
        member_removed_by_page=str(removed_by_page["id"]),
        new_owner=str(new_owner["id"]),
    )

    # The open call: A's submitted proposal with three attachments (one to read, two to delete);
    # B's submitted proposal in the same call.
    now = datetime.now(UTC)
    call = await make_call(
        categories=["Hitze", "Wasser"],
        questions=QUESTIONS,
        document_rules={
            "max_files": 5,
            "max_bytes": 1024 * 1024,
            "allowed_types": ["application/pdf"],
        },
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=5),
    )
    slug = call["slug"]
    call_id = (await Call.select(Call.id).where(Call.slug == slug).first())["id"]
    objects["call"] = slug
    # Its two challenges: "a" posed by the unit role's unit, "b" by another unit.
    spares = [await make_user(name=f"Stelle {n}") for n in ("Staff", "Admin")]
    unit = await make_unit(
        # unique per world: the route matrix and the offered-actions sweep may share a database
        f"Amt für Matrix {uuid.uuid4().hex[:6]}",
        members=[world.users["unit"]["id"], *(u["id"] for u in spares)],
    )
    for role, spare in zip(("staff", "admin"), spares, strict=True):
        row = await UnitMember.select(UnitMember.id).where(UnitMember.user == spare["id"]).first()
        objects[f"unit_member_removed_by_{role}"] = str(row["id"])
    challenge_a = await make_challenge(call, "a", unit=unit, title="Challenge A")
    challenge_b = await make_challenge(call, "b", title="Challenge B")
    objects.update(
        unit=str(unit["id"]),
        challenge=str(challenge_a["id"]),
        challenge_b=str(challenge_b["id"]),
        key_b="b",
    )
    submission = _ok(
        await api(
            a,
            "POST",
            f"/api/v1/calls/{slug}/submissions",
            {"organisation_id": str(team_a["id"]), "challenge": "a", **PROPOSAL},
        )
    )
    for name in ("attachment", "attachment_deleted_by_api", "attachment_deleted_by_page"):
        objects[name] = (
            await _upload(a, f"/api/v1/submissions/{submission['id']}/documents", f"{name}.pdf")
        )["id"]
    _ok(await api(a, "POST", f"/api/v1/submissions/{submission['id']}/submit", {}))
    objects["submission"] = submission["id"]
    other = _ok(
        await api(
            b,
            "POST",
            f"/api/v1/calls/{slug}/submissions",
            {"organisation_id": str(team_b["id"]), "challenge": "b", **PROPOSAL},
        )
    )
    _ok(await api(b, "POST", f"/api/v1/submissions/{other['id']}/submit", {}))
    objects["submission_b"] = other["id"]

    # The jury: both jurors accept and complete their declaration; both are assigned to A's
    # entry, then the conflicted juror declares a conflict with it (which recuses that assignment).
    for role in ("juror_assigned", "juror_conflicted"):
        user = world.users[role]
        _ok(
            await api(
                staff,
                "POST",
                f"/api/v1/calls/{slug}/jurors",
                {"email": user["email"], "name": user["name"]},
            )
        )
        juror = world.clients[role]
        _ok(await api(juror, "POST", f"/api/v1/jury/calls/{slug}/accept"))
        _ok(await juror.get(f"/api/v1/jury/calls/{slug}/declaration"))
        _ok(await api(juror, "POST", f"/api/v1/jury/calls/{slug}/declaration/complete"))
        _ok(
            await api(
                staff,
                "POST",
                f"/api/v1/calls/{slug}/assignments",
                {"juror_id": str(user["id"]), "submission_id": submission["id"]},
            )
        )
    objects["juror"] = str(world.users["juror_assigned"]["id"])
    # A juror of challenge b only: on the jury, declared, assigned B's entry.
    juror_b = world.users["juror_of_b"]
    _ok(
        await api(
            staff,
            "POST",
            f"/api/v1/calls/{slug}/jurors",
            {"email": juror_b["email"], "name": juror_b["name"], "challenges": ["b"]},
        )
    )
    client_b = world.clients["juror_of_b"]
    _ok(await api(client_b, "POST", f"/api/v1/jury/calls/{slug}/accept"))
    _ok(await client_b.get(f"/api/v1/jury/calls/{slug}/declaration"))
    _ok(await api(client_b, "POST", f"/api/v1/jury/calls/{slug}/declaration/complete"))
    _ok(
        await api(
            staff,
            "POST",
            f"/api/v1/calls/{slug}/assignments",
            {"juror_id": str(juror_b["id"]), "submission_id": other["id"]},
        )
    )
    [conflict] = _ok(
        await api(
            world.clients["juror_conflicted"],
            "POST",
            f"/api/v1/jury/calls/{slug}/conflicts",
            {"submission_id": submission["id"], "reason": "Ehemalige Kollegin im Team"},
        )
    )
    objects["conflict"] = conflict["id"]
    # An information request of staff on A's proposal (issue 20): A answers it, staff show the
    # answer to the jury or withdraw it.
    asked = _ok(
        await api(
            staff,
            "POST",
            f"/api/v1/submissions/{submission['id']}/requests",
            {
                "question": "Wie hoch sind die Kosten?",
                "due_at": (now + timedelta(days=3)).isoformat(),
            },
        )
    )
    objects["information_request"] = asked["id"]
    # The assigned juror has finalised her review in a round that shares scores, so she may also
    # read the other jurors' scores (a draft would get 403 there: not an authorisation matter).
    await Round.update({Round.share_scores: True}).where(Round.call == call_id)
    _ok(
        await api(
            world.clients["juror_assigned"],
            "PUT",
            f"/api/v1/jury/reviews/{submission['id']}",
            {"round": 1, "scores": {"impact": 7}, "final": True},
        )
    )
    # Assignments the delete route removes: one for staff, one for admin (each deletes its own).
    for role, juror in (("staff", "juror_assigned"), ("admin", "juror_conflicted")):
        spare = _ok(
            await api(
                staff,
                "POST",
                f"/api/v1/calls/{slug}/assignments",
                {"juror_id": str(world.users[juror]["id"]), "submission_id": other["id"]},
            )
        )
        objects[f"assignment_deleted_by_{role}"] = str(spare["id"])

    # A's document library: one to look at, two to delete, and one direct upload still pending.
    for name in (
        "library_document",
        "library_document_deleted_by_api",
        "library_document_deleted_by_page",
    ):
        objects[name] = (await _upload(a, "/api/v1/me/documents", f"{name}.pdf"))["id"]
    pending = Document(
        storage_key=f"direct/{uuid.uuid4().hex}",
        kind="upload",
        status="pending",
        owner_type="user",
        owner_id=str(a_id),
        filename="gross.pdf",
        content_type="application/pdf",
        size=1000,
        uploaded_by=a_id,
        created_at=now,
    )
    await pending.save()
    objects["library_document_pending"] = str(pending.id)

    # Staff's API token; admin users whose roles the revoke routes take (one per route).
    token = _ok(await api(staff, "POST", "/api/v1/me/tokens", {"name": "Matrix", "days": 1}))
    objects["staff_token"] = str(token["id"])
    for name in ("role_holder", "role_revoked_by_api", "role_revoked_by_page"):
        objects[name] = str((await make_user(roles=("staff",), name=f"Rolleninhaber {name}"))["id"])

    # A call with published results: A's team won; its running partnership (sent by staff,
    # countersigned by A).
    done = await make_call(
        status="results_published",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        budget_cents=200_000_00,
        results_published_at=now,
    )
    done_row = await Call.select(Call.id).where(Call.slug == done["slug"]).first()
    awarded = Submission(
        call=done_row["id"],
        organisation=team_a["id"],
        title="Kühle Wege",
        status="submitted",
        reference=f"M-{uuid.uuid4().hex[:8]}",
        consent_publication=True,
        created_at=now,
        submitted_at=now - timedelta(days=40),
    )
    await awarded.save()
    await Decision(
        call=done_row["id"],
        submission=awarded.id,
        outcome="winner",
        award_cents=60_000_00,
        rationale="Überzeugend",
        created_at=now,
    ).save()
    objects.update(call_with_results=done["slug"], awarded_submission=str(awarded.id))
    partnership = _ok(await api(staff, "POST", "/api/v1/partnerships", plan(awarded.id)))
    _ok(await api(staff, "POST", f"/api/v1/partnerships/{partnership['id']}/send"))
    signed = await _upload(
        a, f"/api/v1/partnerships/{partnership['id']}/signed", "vertrag-unterschrieben.pdf"
    )
    assert signed["status"] == "active", signed
    objects.update(partnership=partnership["id"], milestone=signed["milestones"][0]["id"])
    await _development_call(objects, team_a, unit, now)
    _ok(
        await api(
            staff,
            "POST",
            f"/api/v1/calls/{objects['development_call']}/pitch",
            {"starts_at": (now + timedelta(days=30)).isoformat(), "place": "Rathaus"},
        )
    )
    # A certificates job of the open call: it has no awards, so whichever test drains the job
    # queue later renders nothing for it.
    job = _ok(await api(staff, "POST", f"/api/v1/calls/{slug}/certificates"))
    objects["job"] = job["id"]
    objects["calendar_token"] = feed_token(app.state.settings)
    await _participation(app, world, now)
    return world


# Residents' problems (issue 21): each route that links or unlinks a problem gets one of its own,
# so the unit role meets the state it acts on (unlinked to shape it, linked for staff to unlink).
PUBLISHED_PROBLEMS = (
    "problem",  # read, supported, discussed; its path page
    "problem_drafted_by_api",
    "problem_drafted_by_page",
    "problem_linked_by_api",
    "problem_linked_by_page",
)
LINKED_PROBLEMS = ("problem_linked", "problem_unlinked")  # linked to challenge "a" by staff


async def _propose(app: Litestar, world: World, names: tuple[str, ...]) -> dict[str, str]:
    """A resident (no role) proposes a problem per name through the API. Answers name → id."""
    resident = await make_user(name="Rita Resident")
    made = {}
    async with http_client(app) as client:
        await start_session(client, resident["id"], world.cookie)
        for name in names:
            proposal = {
                "title": f"Zu wenige Bänke ({name})",
                "description": "Ältere Menschen finden am Markt keinen Sitzplatz.",
                "district": "mitte",
                "topic": "social",
            }
            answer = await api(client, "POST", "/api/v1/participation/problems", proposal)
            made[name] = _ok(answer)["id"]
    return made


async def _participation(app: Litestar, world: World, now: datetime) -> None:
    """Residents' problems, published by staff (two of them linked to challenge "a", one left
    pending), B's comment on the first, and the people's prize of the open call, open now: A's
    and B's entries stand, A's team consented (so the ballot of challenge "a" shows A's)."""
    objects, staff = world.objects, world.clients["staff"]
    names = (*PUBLISHED_PROBLEMS, *LINKED_PROBLEMS, "problem_pending")
    problems: dict[str, str] = {}
    for start in range(0, len(names), 4):  # a person may propose five a day
        problems |= await _propose(app, world, names[start : start + 4])
    for name, problem_id in problems.items():
        if name != "problem_pending":
            url = f"/api/v1/participation/problems/{problem_id}/moderate"
            _ok(await api(staff, "POST", url, {"decision": "publish"}))
        if name in LINKED_PROBLEMS:
            url = f"/api/v1/participation/problems/{problem_id}/link"
            _ok(await api(staff, "PUT", url, {"challenge_id": objects["challenge"]}))
    objects.update(problems)
    comment = _ok(
        await api(
            world.clients["applicant_b"],
            "POST",
            f"/api/v1/participation/problems/{problems['problem']}/comments",
            {"body": "Das sehe ich jeden Tag.", "display_name": "Berta"},
        )
    )
    objects["comment"] = comment["id"]
    _ok(
        await api(
            staff,
            "POST",
            f"/api/v1/calls/{objects['call']}/vote",
            {
                "opens_at": (now - timedelta(hours=1)).isoformat(),
                "closes_at": (now + timedelta(days=5)).isoformat(),
                "candidates": [objects["submission"], objects["submission_b"]],
            },
        )
    )
    consent = await post_form(
        world.clients["applicant_a"],
        f"/submissions/{objects['submission']}/people-prize",
        {"decision": "consent"},
    )
    assert consent.status_code == 303, consent.text
