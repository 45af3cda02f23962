"""The people and objects the people's prize tests share, built fresh per test: a call with
challenges "a" and "b"; three teams with a submitted proposal each (two to a, one to b) and a
withdrawn one; staff; residents. Sessions start without the password round; each client comes
from its own IP address."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar

from challenge.calls.tables import Call
from challenge.participation.tables import PrizeCandidate
from challenge.platform.accounts.sessions import cookie_name, create_session
from challenge.submissions.tables import Submission
from tests.conftest import http_client
from tests.support.factories import make_call, make_challenge, make_team
from tests.support.web import api, make_user


@dataclass
class PrizeWorld:
    app: Litestar
    slug: str = ""
    call_id: uuid.UUID | None = None
    users: dict[str, dict] = field(default_factory=dict)
    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)
    proposals: dict[str, uuid.UUID] = field(default_factory=dict)

    async def person(self, role: str, *, email: str | None = None, staff: bool = False) -> dict:
        """A user of the role with a signed-in client (made once)."""
        if role not in self.users:
            self.users[role] = await make_user(
                email=email, roles=("staff",) if staff else (), name=f"Person {role}"
            )
            client = http_client(self.app)
            await client.__aenter__()
            client.cookies.set(
                cookie_name(self.app.state.settings.https),
                await create_session(self.users[role]["id"], max_days=60),
            )
            self.clients[role] = client
        return self.users[role]

    def client(self, role: str) -> httpx.AsyncClient:
        return self.clients[role]

    async def proposal(self, name: str, challenge_id, status: str = "submitted") -> uuid.UUID:
        owner = await self.person(f"team_{name}")
        team = await make_team(owner["id"], name=f"Team {name.upper()} Geheim")
        now = datetime.now(UTC)
        row = Submission(
            call=self.call_id,
            organisation=team["id"],
            challenge=challenge_id,
            title=f"Vorschlag {name.upper()}",
            summary=f"Kurzfassung des Vorschlags {name.upper()} für alle.",
            status=status,
            reference=f"P-{uuid.uuid4().hex[:8]}",
            created_at=now,
            submitted_at=now - timedelta(days=3),
        )
        await row.save()
        self.proposals[name] = row.id
        return row.id

    async def open(self, opens_in: timedelta, lasts: timedelta, names=("a1", "a2", "b1")):
        """Staff open (or change) the voting through the API; answers the response."""
        opens_at = datetime.now(UTC) + opens_in
        return await api(
            self.client("staff"),
            "POST",
            f"/api/v1/calls/{self.slug}/vote",
            {
                "opens_at": opens_at.isoformat(),
                "closes_at": (opens_at + lasts).isoformat(),
                "candidates": [str(self.proposals[n]) for n in names],
            },
        )

    async def text_seen(self, name: str) -> str:
        """The text fingerprint the team's consent page carries (what the team read)."""
        page = await self.client(f"team_{name}").get(
            f"/submissions/{self.proposals[name]}/people-prize"
        )
        assert page.status_code == 200, page.text
        return re.search(r'name="version" value="([0-9a-f]+)"', page.text).group(1)

    async def consent(self, name: str, version: str | None = None) -> httpx.Response:
        """The team consents through its page, to the text it read (or to ``version``)."""
        from tests.support.web import post_form

        return await post_form(
            self.client(f"team_{name}"),
            f"/submissions/{self.proposals[name]}/people-prize",
            {"decision": "consent", "version": version or await self.text_seen(name)},
        )

    async def consent_all(self, names=("a1", "a2", "b1")) -> None:
        """Each team consents (through its page)."""
        for name in names:
            response = await self.consent(name)
            assert response.status_code == 303, response.text

    async def vote(self, role: str, challenge: str, name: str) -> httpx.Response:
        return await api(
            self.client(role),
            "PUT",
            f"/api/v1/calls/{self.slug}/vote/{challenge}",
            {"submission_id": str(self.proposals[name])},
        )

    async def close(self) -> None:
        for client in self.clients.values():
            await client.__aexit__(None, None, None)


async def build(app: Litestar) -> PrizeWorld:
    world = PrizeWorld(app=app)
    await world.person("staff", staff=True)
    now = datetime.now(UTC)
    call = await make_call(
        status="judging", opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=10)
    )
    world.slug = call["slug"]
    world.call_id = (await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"]
    a = await make_challenge(call, "a", title="Kühle Plätze")
    b = await make_challenge(call, "b", title="Saubere Luft")
    await world.proposal("a1", a["id"])
    await world.proposal("a2", a["id"])
    await world.proposal("b1", b["id"])
    await world.proposal("w", a["id"], status="withdrawn")
    return world


async def candidate(world: PrizeWorld, name: str) -> dict:
    return (
        await PrizeCandidate.select()
        .where(PrizeCandidate.submission == world.proposals[name])
        .first()
    )
