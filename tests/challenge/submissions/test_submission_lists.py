"""The lists of a call's proposals, one page at a time (issue 25, point 2): the staff list and
the owning unit's list of its challenge count in SQL, show 50 a page (page 2 the next ones), a
page past the end shows the last page, a bad page is a 400 (never a 500), and the staff list's
search and filters stay in its page links."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from challenge.calls.tables import Call
from challenge.organisations.tables import Organisation
from challenge.submissions.tables import Submission
from tests.conftest import http_client
from tests.support.factories import make_call, make_challenge, make_unit
from tests.support.web import login, make_user

COUNT = 65  # two pages of 50; entries 0..64, every fifth about "Wasser"


@pytest.fixture
async def world(app) -> dict:
    """A closed call with one challenge of a unit (with a member) and 65 submitted proposals to
    it, one withdrawn besides."""
    now = datetime.now(UTC)
    made = await make_call(
        slug=f"listen-{uuid.uuid4().hex[:8]}",
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(hours=1),
        categories=["Hitze", "Wasser"],
    )
    call = await Call.select().output(load_json=True).where(Call.slug == made["slug"]).first()
    member = await make_user(name="Ulla Unit")
    unit = await make_unit(members=[member["id"]])
    challenge = await make_challenge(made, "baeume", unit=unit, title="Stadtbäume")
    tag = uuid.uuid4().hex[:6].upper()
    teams = [
        Organisation(name=f"Team {tag} {n}", kind="startup", created_at=now)
        for n in range(COUNT + 1)
    ]
    await Organisation.insert(*teams)
    await Submission.insert(
        *[
            Submission(
                call=call["id"],
                organisation=team.id,
                challenge=challenge["id"],
                title=f"{'Regenwasser' if n % 5 == 0 else 'Schatten'} {n}",
                category="Wasser" if n % 5 == 0 else "Hitze",
                status="withdrawn" if n == COUNT else "submitted",
                reference=f"P{tag}-{n:04d}",
                submitted_at=now,
                created_at=now,
            )
            for n, team in enumerate(teams)
        ]
    )
    return {"call": call, "challenge": challenge, "member": member, "tag": tag}


@pytest.fixture
async def staff(app):
    async with http_client(app) as client:
        await login(client, (await make_user(roles=("staff",)))["email"])
        yield client


def _references(text: str, tag: str) -> list[str]:
    return re.findall(rf"P{tag}-\d{{4}}", text)


async def test_staff_list_pages(world, staff):
    url, tag = f"/staff/calls/{world['call']['slug']}/submissions", world["tag"]
    first = await staff.get(url)
    assert first.status_code == 200 and "66 Vorschläge" in first.text
    assert _references(first.text, tag) == [f"P{tag}-{n:04d}" for n in range(50)]
    second = await staff.get(url, params={"page": 2})
    assert _references(second.text, tag) == [f"P{tag}-{n:04d}" for n in range(50, COUNT + 1)]
    assert "Seite 2 von 2" in second.text
    past = await staff.get(url, params={"page": 40})
    assert past.status_code == 200 and _references(past.text, tag) == _references(second.text, tag)
    for bad in ("abc", "0", "-3"):
        assert (await staff.get(url, params={"page": bad})).status_code == 400


async def test_staff_list_filters_stay_in_the_page_links(world, staff):
    url, tag = f"/staff/calls/{world['call']['slug']}/submissions", world["tag"]
    filtered = await staff.get(url, params={"status": "submitted", "sort": "title"})
    assert "65 Vorschläge" in filtered.text and "Seite 1 von 2" in filtered.text
    assert "status=submitted&amp;category=&amp;kind=&amp;challenge=&amp;sort=title&amp;page=2" in (
        filtered.text
    )
    water = await staff.get(url, params={"q": "Regenwasser", "category": "Wasser"})
    assert "14 Vorschläge" in water.text  # 0, 5, …, 65 (the withdrawn one is listed for staff)
    assert "Seite" not in water.text  # one page: no page links
    assert len(_references(water.text, tag)) == 14
    nothing = await staff.get(url, params={"q": "gibt es nicht", "page": 3})
    assert nothing.status_code == 200 and "Kein passender Vorschlag." in nothing.text


async def test_unit_list_pages(world, app):
    url, tag = f"/unit/challenges/{world['challenge']['id']}/proposals", world["tag"]
    async with http_client(app) as unit:
        await login(unit, world["member"]["email"])
        first = await unit.get(url)
        assert first.status_code == 200 and "65 Vorschläge" in first.text
        assert _references(first.text, tag) == [f"P{tag}-{n:04d}" for n in range(50)]
        assert "Seite 1 von 2" in first.text and "?&amp;page=2" in first.text
        second = await unit.get(url, params={"page": 2})
        assert _references(second.text, tag) == [f"P{tag}-{n:04d}" for n in range(50, COUNT)]
        past = await unit.get(url, params={"page": 99})
        assert past.status_code == 200 and "Seite 2 von 2" in past.text
        assert (await unit.get(url, params={"page": "abc"})).status_code == 400
