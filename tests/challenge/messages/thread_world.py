"""The people and objects the thread tests share (built once per test module): a blind call whose
deadline has passed, with challenge "a" (the unit role's city unit) and "b" (another unit); team A
(owner and member) and team B with a submitted proposal each; the juror assigned to A's proposal;
a member of challenge a's unit who also sits on the call's jury; a staff member on the jury; staff,
admin, finance; a partner with a running partnership. Sessions start without the password round."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar

from challenge.calls.tables import Call
from challenge.jury.tables import Assignment, Juror, Round
from challenge.organisations.tables import Membership
from challenge.platform.accounts.identity import CurrentUser
from challenge.platform.accounts.sessions import cookie_name, create_session
from challenge.submissions.tables import Submission
from partnerships.tables import Partnership
from tests.conftest import http_client
from tests.partnerships.conftest import awarded_entry, plan
from tests.support.factories import make_call, make_challenge, make_team, make_unit
from tests.support.files import multipart
from tests.support.web import api, csrf, make_user

ROLES = (
    "team_a",
    "team_a2",
    "team_b",
    "staff",
    "admin",
    "unit",
    "unit_other",
    "juror",
    "unit_juror",
    "staff_juror",
    "finance",
    "partner",
)
GRANTS = {
    "staff": ("staff",),
    "admin": ("admin",),
    "finance": ("finance",),
    "staff_juror": ("staff",),
}
TEAM_NAME = "Geheimteam Schattenwerk"
MEMBER_NAME = "Max Geheimname"


@dataclass
class ThreadWorld:
    """Role → client and user; the shared objects by name."""

    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)
    users: dict[str, dict] = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def user(self, role: str) -> CurrentUser:
        """The role as the services see it."""
        person = self.users[role]
        return CurrentUser(
            id=person["id"],
            email=person["email"],
            name=person["name"],
            locale="de",
            affiliation="",
            roles=frozenset(GRANTS.get(role, ())),
        )

    async def proposal(self, team: str = "team_a", **fields) -> uuid.UUID:
        """A submitted proposal to challenge a of a new team of the role (team_a's with team_a2
        as a member), the juror assigned to it."""
        now = datetime.now(UTC)
        members = [self.users["team_a2"]["id"]] if team == "team_a" else []
        name = TEAM_NAME if team == "team_a" else f"Team {team}"
        organisation = await make_team(self.users[team]["id"], name=name, members=members)
        row = Submission(
            call=self.objects["call_id"],
            organisation=organisation["id"],
            challenge=self.objects["challenge_a"],
            title=fields.pop("title", "Kühle Wege"),
            summary="Schatten für alle.",
            status=fields.pop("status", "submitted"),
            reference=f"T-{uuid.uuid4().hex[:8]}",
            created_at=now,
            submitted_at=now - timedelta(days=2),
            **fields,
        )
        await row.save()
        await Assignment(
            round=self.objects["round"],
            juror=self.users["juror"]["id"],
            submission=row.id,
            created_at=now,
        ).save()
        return row.id

    async def close(self) -> None:
        for client in self.clients.values():
            await client.__aexit__(None, None, None)


async def post_form(client, url: str, body: str, file: tuple[str, bytes] | None = None):
    """A message or answer form as the browser sends it (multipart: token, text, file)."""
    token = await csrf(client)
    name, content = file if file else ("", b"")
    data, content_type = multipart(name, content, extra={"_csrf_token": token, "body": body})
    return await client.post(
        url,
        content=data,
        headers={"content-type": content_type, "x-csrftoken": token},
        follow_redirects=False,
    )


async def _people(app: Litestar, world: ThreadWorld) -> None:
    cookie = cookie_name(app.state.settings.https)
    for role in ROLES:
        name = MEMBER_NAME if role == "team_a2" else f"Rolle {role} {uuid.uuid4().hex[:4]}"
        world.users[role] = await make_user(roles=GRANTS.get(role, ()), name=name)
        client = http_client(app)
        await client.__aenter__()
        client.cookies.set(cookie, await create_session(world.users[role]["id"], max_days=1))
        world.clients[role] = client


async def _jury(world: ThreadWorld, call_id, now) -> None:
    round_ = Round(call=call_id, number=1, criteria=[], created_at=now)
    await round_.save()
    world.objects["round"] = round_.id
    for role in ("juror", "unit_juror", "staff_juror"):
        await Juror(
            call=call_id,
            user=world.users[role]["id"],
            invited_at=now,
            accepted_at=now,
            declaration_completed_at=now,
        ).save()


async def _partnership(world: ThreadWorld) -> None:
    """A running partnership of the partner's team (sent, then started)."""
    entry = await awarded_entry()
    await Membership(
        organisation=entry["team"]["id"],
        user=world.users["partner"]["id"],
        role="member",
        created_at=datetime.now(UTC),
    ).save()
    made = await api(
        world.clients["staff"], "POST", "/api/v1/partnerships", plan(entry["submission_id"])
    )
    assert made.status_code == 201, made.text
    partnership_id = made.json()["id"]
    await Partnership.update({Partnership.status: "active"}).where(Partnership.id == partnership_id)
    world.objects["partnership"] = partnership_id


async def build(app: Litestar) -> ThreadWorld:
    """The shared world (see the module's docstring)."""
    world = ThreadWorld()
    await _people(app, world)
    now = datetime.now(UTC)
    call = await make_call(
        status="judging",
        blind_review=True,
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
    )
    call_id = (await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"]
    unit = await make_unit(members=[world.users["unit"]["id"], world.users["unit_juror"]["id"]])
    other = await make_unit(members=[world.users["unit_other"]["id"]])
    challenge_a = await make_challenge(call, "a", unit=unit)
    challenge_b = await make_challenge(call, "b", unit=other)
    world.objects.update(
        call=call, call_id=call_id, challenge_a=challenge_a["id"], challenge_b=challenge_b["id"]
    )
    await _jury(world, call_id, now)
    world.objects["submission"] = await world.proposal("team_a", title="Schattenplaner")
    world.objects["submission_b"] = await world.proposal("team_b", title="Wasserwege")
    await _partnership(world)
    return world
