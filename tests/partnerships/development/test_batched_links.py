"""The next steps of a whole list of proposals at once (issue 25, leftover): the development
phase's ``submissions_links`` gives every row the links ``submission_links`` gives it one at a
time — for staff, the owning unit, the team, a team member who is staff, another unit, a
stranger and nobody, over selected and other entries of a published and an unpublished call —
and the owning unit's list of proposals asks the same number of queries for 3 rows as for 50."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from challenge.calls.tables import Call
from challenge.organisations.tables import Membership
from challenge.platform.accounts.identity import CurrentUser
from challenge.results.tables import Decision
from challenge.submissions.outcomes import links_for, links_for_each
from challenge.submissions.tables import Submission
from partnerships.development.assembly import submission_links, submissions_links
from tests.conftest import http_client
from tests.support.databases import counted_queries
from tests.support.domains import add_domain
from tests.support.factories import make_call, make_challenge, make_team, make_unit
from tests.support.web import login, make_user, unique_email

# outcome of each proposal in a call; None: no decision; "none": no challenge, yet selected
STATES = ("development", "development", "winner", "not_selected", None, "none")


def _viewer(user: dict, *roles: str) -> CurrentUser:
    return CurrentUser(
        id=user["id"],
        email=user["email"],
        name=user["name"],
        locale="de",
        affiliation="",
        roles=frozenset(roles),
    )


async def _call(*, published: bool, closes_days_ago: int = 30) -> dict:
    now = datetime.now(UTC)
    made = await make_call(
        status="results_published" if published else "judging",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=closes_days_ago),
        results_published_at=now if published else None,
    )
    return await Call.select().where(Call.slug == made["slug"]).first()


async def _proposal(call: dict, challenge: dict | None, outcome: str | None, n: int) -> dict:
    """A submitted proposal of a new team (its owner returned too) with this decision."""
    now = datetime.now(UTC)
    owner = await make_user(name=f"Team Person {n}", email=unique_email("team"))
    team = await make_team(owner["id"], name=f"Team {uuid.uuid4().hex[:6]}")
    submission = Submission(
        call=call["id"],
        organisation=team["id"],
        challenge=challenge["id"] if challenge else None,
        title=f"Vorschlag {n}",
        status="submitted",
        reference=f"B{call['id'].hex[:6].upper()}-{n:04d}",
        submitted_at=now,
        created_at=now,
    )
    await submission.save()
    if outcome is not None:
        await Decision(
            call=call["id"],
            submission=submission.id,
            outcome=outcome,
            award_cents=0,
            rationale="Gut",
            created_at=now,
        ).save()
    return {"id": submission.id, "owner": owner, "team": team}


async def _mixed_world() -> tuple[list[dict], dict[str, CurrentUser | None]]:
    """The proposals (rows as a list shows them: id, reference, title) of a published and an
    unpublished call, each with every state, and the viewers to ask for."""
    member = await make_user(name="Ulla Unit")
    other_member = await make_user(name="Otto Anderes Amt")
    unit = await make_unit(members=[member["id"]])
    await make_unit(members=[other_member["id"]])
    made = []
    for published in (True, False):
        call = await _call(published=published)
        challenge = await make_challenge(call, "a", unit=unit)
        for n, state in enumerate(STATES):
            outcome = "development" if state == "none" else state
            chosen = None if state == "none" else challenge
            made.append(await _proposal(call, chosen, outcome, n))
    staff_in_team = await make_user(roles=("staff",), name="Stefan Staff im Team")
    await Membership(
        organisation=made[1]["team"]["id"],
        user=staff_in_team["id"],
        role="member",
        created_at=datetime.now(UTC),
    ).save()
    viewers = {
        "nobody": None,
        "stranger": _viewer(await make_user(name="Fremd")),
        "staff": _viewer(await make_user(roles=("staff",), name="Sabine Staff"), "staff"),
        "admin": _viewer(await make_user(roles=("admin",), name="Anna Admin"), "admin"),
        "unit": _viewer(member),
        "other unit": _viewer(other_member),
        "team (published)": _viewer(made[0]["owner"]),
        "team (unpublished)": _viewer(made[len(STATES)]["owner"]),
        "staff in a team": _viewer(staff_in_team, "staff"),
    }
    rows = await Submission.select(Submission.id, Submission.reference, Submission.title).where(
        Submission.id.is_in([entry["id"] for entry in made])
    )
    return rows, viewers


async def test_batched_links_are_the_per_row_links(app):
    rows, viewers = await _mixed_world()
    kinds = set()
    for name, viewer in viewers.items():
        per_row = {row["id"]: await submission_links(viewer, row) for row in rows}
        assert await submissions_links(viewer, rows) == per_row, name
        assert await submissions_links(viewer, rows[::-1]) == per_row, name
        listed = await links_for_each(viewer, rows)
        assert listed == {row["id"]: await links_for(viewer, row) for row in rows}, name
        kinds |= {tuple(label for _href, label in links) for links in per_row.values()}
    # every kind of answer was compared: none, the readers' links and the team's
    assert kinds == {
        (),
        ("Development workspace", "Offer"),
        ("Open the development workspace", "Write the offer for a pilot"),
    }
    assert await submissions_links(viewers["staff"], []) == {}
    assert await links_for_each(viewers["staff"], []) == {}


async def test_a_domain_without_the_batch_still_adds_its_links_per_row(app, monkeypatch):
    async def numbered(user, submission):
        return [(f"/extra/{submission['id']}", "Extra")]

    add_domain(monkeypatch, submission_links=numbered)
    rows, viewers = await _mixed_world()
    listed = await links_for_each(viewers["staff"], rows)
    for row in rows:
        assert listed[row["id"]] == await links_for(viewers["staff"], row)
        assert listed[row["id"]][-1] == (f"/extra/{row['id']}", "Extra")


def _shown_links(page: str) -> dict[str, list[str]]:
    """Per proposal row of the unit's list: its id and the hrefs of its next steps."""
    shown = {}
    for row in re.findall(r'<tr class="kern-table__row">.*?</tr>', page, re.S):
        found = re.search(r'href="/unit/proposals/([0-9a-f-]+)"', row)
        if found:
            shown[found.group(1)] = re.findall(r'href="(/development/[^"]+)"', row)
    return shown


async def _unit_list(client, url: str) -> tuple[int, str]:
    with counted_queries() as seen:
        response = await client.get(url)
    assert response.status_code == 200, response.text
    return len(seen), response.text


async def test_the_unit_list_asks_no_more_queries_for_more_rows(app):
    member = await make_user(name="Ulla Unit")
    staff = await make_user(roles=("staff",), name="Sabine Staff")
    unit = await make_unit(members=[member["id"]])
    call = await _call(published=True)
    challenge = await make_challenge(call, "a", unit=unit)
    outcomes = ("development", "winner", None)
    for n in range(3):
        await _proposal(call, challenge, outcomes[n % 3], n)
    url = f"/unit/challenges/{challenge['id']}/proposals"
    viewers = {"unit": (member, ()), "staff": (staff, ("staff",))}
    clients, few = {}, {}
    for name, (user, _roles) in viewers.items():
        clients[name] = http_client(app)
        await clients[name].__aenter__()
        await login(clients[name], user["email"])
        await clients[name].get(url)
        few[name], page = await _unit_list(clients[name], url)
        assert len(_shown_links(page)) == 3
    for n in range(3, 60):
        await _proposal(call, challenge, outcomes[n % 3], n)
    for name, (user, roles) in viewers.items():
        many, page = await _unit_list(clients[name], url)
        await clients[name].__aexit__(None, None, None)
        assert many == few[name], (name, few[name], many)
        shown = _shown_links(page)
        assert len(shown) == 50
        viewer = _viewer(user, *roles)
        expected = {  # the development phase's links (messages adds the thread's for the unit)
            key: [
                href
                for href, _label in await links_for(viewer, {"id": uuid.UUID(key)})
                if href.startswith("/development/")
            ]
            for key in shown
        }
        assert shown == expected, name
        assert sum(1 for hrefs in shown.values() if hrefs) == 17, name  # every third of 50
