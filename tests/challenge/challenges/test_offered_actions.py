"""Staff's challenge pages offer only what the services accept (issue 19, point 3): decisions on
a challenge handed in for review, moving and editing before the call opens, withdrawing before
any team answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from challenge.challenges.tables import Challenge
from tests.support.factories import make_call, make_challenge, make_team, make_unit
from tests.support.web import login, make_user, post_form


@pytest.fixture
async def staff(client):
    user = await make_user(roles=("staff",))
    await login(client, user["email"])
    return client


async def test_decisions_are_offered_only_for_a_challenge_handed_in(staff):
    call = await make_call(status="draft", opens_at=datetime.now(UTC) + timedelta(days=5))
    challenge = await make_challenge(call, "entwurf", status="draft")
    await Challenge.update({Challenge.call: None, Challenge.key: None}).where(
        Challenge.id == challenge["id"]
    )
    page = await staff.get(f"/staff/challenges/{challenge['id']}")
    assert 'id="decision-comment"' in page.text
    assert 'id="decision-approve"' not in page.text and 'id="decision-decline"' not in page.text
    refused = await post_form(
        staff, f"/staff/challenges/{challenge['id']}/review", {"decision": "approve"}
    )
    assert refused.status_code == 409  # the rule the page follows

    await Challenge.update({Challenge.status: "proposed"}).where(Challenge.id == challenge["id"])
    page = await staff.get(f"/staff/challenges/{challenge['id']}")
    assert 'id="decision-approve"' in page.text and 'id="decision-request_changes"' in page.text
    assert 'data-status="challenge:proposed"' in page.text


async def test_an_opened_call_keeps_its_challenges_as_they_are(staff):
    call = await make_call(opens_at=datetime.now(UTC) - timedelta(days=1))
    first = await make_challenge(call, "eins", title="Erste Challenge")
    await make_challenge(call, "zwei", title="Zweite Challenge")
    listing = await staff.get(f"/staff/calls/{call['slug']}/challenges")
    assert "/move" not in listing.text
    assert "kern-table__row" in listing.text
    detail = await staff.get(f"/staff/challenges/{first['id']}")
    assert f'href="/staff/challenges/{first["id"]}/edit"' not in detail.text
    edit = await staff.get(f"/staff/challenges/{first['id']}/edit")
    assert edit.status_code == 200 and 'name="problem"' not in edit.text

    upcoming = await make_call(opens_at=datetime.now(UTC) + timedelta(days=5))
    third = await make_challenge(upcoming, "drei")
    await make_challenge(upcoming, "vier")
    listing = await staff.get(f"/staff/calls/{upcoming['slug']}/challenges")
    assert listing.text.count("/move") == 2  # down for the first, up for the second
    detail = await staff.get(f"/staff/challenges/{third['id']}")
    assert f'href="/staff/challenges/{third["id"]}/edit"' in detail.text


async def test_a_challenge_with_proposals_is_not_offered_for_withdrawal(staff):
    from challenge.submissions.tables import Submission

    call = await make_call(opens_at=datetime.now(UTC) + timedelta(days=5))
    answered = await make_challenge(call, "beantwortet", title="Beantwortet")
    await make_challenge(call, "frei", title="Frei")
    applicant = await make_user()
    team = await make_team(applicant["id"])
    await Submission(
        call=answered["call"],
        organisation=team["id"],
        challenge=answered["id"],
        created_at=datetime.now(UTC),
    ).save()
    base = f"/staff/calls/{call['slug']}/challenges"
    listing = await staff.get(base)
    assert f'href="{base}/beantwortet/withdraw"' not in listing.text
    assert f'href="{base}/frei/withdraw"' in listing.text
    confirm = await staff.get(f"{base}/beantwortet/withdraw")
    assert confirm.status_code == 200 and "Yes, withdraw" not in confirm.text
    assert "Ja, zurückziehen" not in confirm.text and "kern-alert" in confirm.text


async def test_unit_pages_show_challenge_statuses_as_badges(client):
    member = await make_user()
    unit = await make_unit(members=[member["id"]])
    call = await make_call(opens_at=datetime.now(UTC) + timedelta(days=5))
    await make_challenge(call, "x", unit=unit, status="changes_requested")
    await login(client, member["email"])
    page = await client.get("/unit/challenges")
    assert 'data-status="challenge:changes_requested"' in page.text
    assert "Nachbesserung angefordert" in page.text
