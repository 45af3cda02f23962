"""Step-up for results (issue 22): deciding an award and publishing more than 15 minutes after
the sign-in ask for the password again, then go on with the kept form."""

from datetime import timedelta

import pytest

from challenge.calls.tables import Call
from challenge.platform import clock
from challenge.results.tables import Decision
from tests.challenge.results.test_results import decide, judged_call
from tests.conftest import http_client
from tests.support.web import PASSWORD, api, login, make_user, post_form


@pytest.fixture
async def staff(app):
    client = http_client(app)
    await client.__aenter__()
    user = await make_user(roles=("staff",))
    await login(client, user["email"])
    yield client
    await client.__aexit__(None, None, None)


async def test_late_decisions_and_publishing_ask_again_then_continue(app, staff):
    call, items, _ = await judged_call(entries=2)
    slug = call["slug"]
    with clock.frozen(clock.now() + timedelta(minutes=16)):
        late = await decide(staff, call, items[0], "winner", 40_000_00)
        assert late.status_code == 401 and late.json()["code"] == "step_up_required"
        published = await api(staff, "POST", f"/api/v1/calls/{slug}/results/publish")
        assert published.status_code == 401 and published.json()["code"] == "step_up_required"
        form = {"outcome": "winner", "award": "40.000,00", "rationale": "Gut <i>so</i>"}
        page_url = f"/staff/calls/{slug}/results/decide/{items[0]['id']}"
        asked = await post_form(staff, page_url, form)
        assert asked.status_code == 401 and 'value="Gut &lt;i&gt;so&lt;/i&gt;"' in asked.text
        assert not await Decision.exists().where(Decision.call == call["id"])
        done = await post_form(
            staff, page_url, {**form, "_step_up_password": PASSWORD}, follow_redirects=False
        )
        assert done.status_code == 303, done.text
        row = await Decision.select().where(Decision.submission == items[0]["id"]).first()
        assert row["award_cents"] == 40_000_00 and row["rationale"] == "Gut <i>so</i>"
        second = await decide(staff, call, items[1], "not_selected", rationale="")
        assert second.status_code == 200, second.text
    with clock.frozen(clock.now() + timedelta(minutes=40)):
        publish_url = f"/staff/calls/{slug}/results/publish"
        asked = await post_form(staff, publish_url, {})
        assert asked.status_code == 401 and 'name="_step_up_password"' in asked.text
        done = await post_form(
            staff, publish_url, {"_step_up_password": PASSWORD}, follow_redirects=False
        )
        assert done.status_code == 303, done.text
    status = await Call.select(Call.status).where(Call.id == call["id"]).first()
    assert status["status"] == "results_published"
