"""The staff call list names each call's real phase as a badge: a finished call is not shown as
open or waiting for the jury."""

from datetime import UTC, datetime, timedelta

from challenge.calls.services import call_phase as staff_phase

NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)


def call(**changes) -> dict:
    row = {
        "status": "published",
        "opens_at": NOW - timedelta(days=60),
        "closes_at": NOW - timedelta(days=30),
        "jury_starts_at": NOW - timedelta(days=20),
        "jury_ends_at": NOW - timedelta(days=10),
        "results_published_at": None,
    }
    return {**row, **changes}


def test_phases_follow_the_calls_dates_and_its_results():
    assert staff_phase(call(status="draft"), NOW) == "draft"
    assert staff_phase(call(opens_at=NOW + timedelta(days=1)), NOW) == "upcoming"
    assert staff_phase(call(closes_at=NOW + timedelta(days=1)), NOW) == "open"
    assert (
        staff_phase(
            call(jury_starts_at=NOW + timedelta(days=1), jury_ends_at=NOW + timedelta(days=9)), NOW
        )
        == "closed"
    )
    assert staff_phase(call(jury_starts_at=None, jury_ends_at=None), NOW) == "closed"
    assert staff_phase(call(jury_ends_at=NOW + timedelta(days=1)), NOW) == "jury"
    assert staff_phase(call(), NOW) == "jury_done"
    assert staff_phase(call(results_published_at=NOW), NOW) == "results_published"
    assert staff_phase(call(status="results_published"), NOW) == "results_published"


async def test_the_staff_list_shows_phase_badges(client):
    from tests.challenge.calls.test_calls_editing import call_body
    from tests.support.web import api, login, make_user

    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    body = call_body(
        opens_at="2020-01-01T09:00:00+01:00",
        closes_at="2020-02-01T12:00:00+01:00",
        jury_starts_at="2020-02-02T09:00:00+01:00",
        jury_ends_at="2020-03-01T12:00:00+01:00",
    )
    await api(client, "POST", "/api/v1/calls", body)
    await api(client, "POST", f"/api/v1/calls/{body['slug']}/publish")
    page = await client.get("/staff/calls")
    row = page.text.split(f'href="/calls/{body["slug"]}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-status="call_phase:jury_done"' in row
    assert "Offen" not in row and "bereit zur Bewertung" not in row
    assert "kern-table__cell--numeric" in row  # the budget, right-aligned
