"""The owning unit's view (issue 17, point 6): the proposals to its challenge after the deadline,
never before, never another unit's, no team names on a blind call."""

import uuid
from datetime import UTC, datetime, timedelta

from challenge.calls.tables import Call
from challenge.submissions.tables import Submission
from tests.support.factories import make_call, make_challenge, make_team, make_unit
from tests.support.web import api, login, make_user, post_form


async def _proposal(call, challenge, title="Baumpaten-App"):
    owner = await make_user()
    team = await make_team(owner["id"], name="KlimaGrün GmbH")
    row = Submission(
        call=(await Call.select(Call.id).where(Call.slug == call["slug"]).first())["id"],
        challenge=challenge["id"],
        organisation=team["id"],
        title=title,
        summary="Sensoren an Stadtbäumen",
        status="submitted",
        reference=f"T-{uuid.uuid4().hex[:12]}",
        submitted_at=datetime.now(UTC),
        created_at=datetime.now(UTC),
    )
    await row.save()
    return row.id


async def _setup(*, closed: bool, blind: bool = False):
    now = datetime.now(UTC)
    call = await make_call(
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(hours=1) if closed else now + timedelta(days=3),
        blind_review=blind,
    )
    member = await make_user(name="Katrin Vogel")
    unit = await make_unit(members=[member["id"]])
    challenge = await make_challenge(call, "stadtbaeume", unit=unit, title="Stadtbäume")
    other = await make_challenge(call, "hitze", title="Hitze")
    return call, member, challenge, other


async def test_unit_reads_its_proposals_after_the_deadline(client):
    call, member, challenge, other = await _setup(closed=True)
    mine = await _proposal(call, challenge)
    foreign = await _proposal(call, other, title="Hitzewarnung")
    await login(client, member["email"])
    listed = await client.get(f"/unit/challenges/{challenge['id']}/proposals")
    assert listed.status_code == 200
    assert "Baumpaten-App" in listed.text and "KlimaGrün GmbH" in listed.text
    assert "Hitzewarnung" not in listed.text
    page = await client.get(f"/unit/proposals/{mine}")
    assert page.status_code == 200 and "Sensoren an Stadtbäumen" in page.text
    assert (await api(client, "GET", f"/api/v1/submissions/{mine}")).status_code == 200
    assert (await client.get(f"/unit/proposals/{foreign}")).status_code == 404
    assert (await api(client, "GET", f"/api/v1/submissions/{foreign}")).status_code == 404
    assert (await client.get(f"/unit/challenges/{other['id']}/proposals")).status_code == 404


async def test_unit_sees_nothing_before_the_deadline(client):
    call, member, challenge, _other = await _setup(closed=False)
    mine = await _proposal(call, challenge)
    await login(client, member["email"])
    listed = await client.get(f"/unit/challenges/{challenge['id']}/proposals")
    assert listed.status_code == 403
    assert "Baumpaten-App" not in listed.text
    assert (await api(client, "GET", f"/api/v1/submissions/{mine}")).status_code == 404


async def test_blind_call_hides_the_team_from_the_unit(client):
    call, member, challenge, _other = await _setup(closed=True, blind=True)
    mine = await _proposal(call, challenge)
    await login(client, member["email"])
    listed = await client.get(f"/unit/challenges/{challenge['id']}/proposals")
    assert "Baumpaten-App" in listed.text and "KlimaGrün" not in listed.text
    page = await client.get(f"/unit/proposals/{mine}")
    assert "KlimaGrün" not in page.text
    body = (await api(client, "GET", f"/api/v1/submissions/{mine}")).json()
    assert body["organisation"] == "" and "KlimaGrün" not in str(body)


async def test_unit_members_find_their_challenges_in_the_navigation(client):
    member = await make_user()
    await make_unit(members=[member["id"]])
    outsider = await make_user()
    await login(client, member["email"])
    assert 'href="/unit/challenges"' in (await client.get("/")).text
    client.cookies.clear()
    await login(client, outsider["email"])
    assert 'href="/unit/challenges"' not in (await client.get("/")).text


async def test_unit_comments_for_the_jury_on_the_proposal_page(client):
    call, member, challenge, _other = await _setup(closed=True)
    mine = await _proposal(call, challenge)
    await login(client, member["email"])
    empty = await post_form(client, f"/unit/proposals/{mine}/comments", {"body": "  "})
    assert empty.status_code == 422 and 'id="field-body"' in empty.text
    saved = await post_form(
        client, f"/unit/proposals/{mine}/comments", {"body": "Passt gut zu unseren Daten."}
    )
    assert saved.status_code == 303
    page = await client.get(saved.headers["location"])
    assert "Passt gut zu unseren Daten." in page.text


async def test_no_comment_before_the_deadline(client):
    call, member, challenge, _other = await _setup(closed=False)
    mine = await _proposal(call, challenge)
    await login(client, member["email"])
    refused = await post_form(client, f"/unit/proposals/{mine}/comments", {"body": "Früh"})
    assert refused.status_code == 404
