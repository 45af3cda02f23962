"""The scoring screen's aids: the running total, the next unfinished entry, the jury window's end,
finalising only with a confirmation, and the juror's progress on the jury pages."""

from datetime import UTC, datetime, timedelta

from challenge.calls.tables import Call
from challenge.jury.tables import Review
from tests.challenge.jury.test_jury import juror_client, proposal
from tests.challenge.submissions.test_submissions import open_call
from tests.support.web import api, login, make_user, post_form


async def _two_entries_for_one_juror(app, client):
    call = await open_call()
    first = await proposal(app, call, team_name="Team Ahorn")
    second = await proposal(app, call, team_name="Team Birke")
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    juror = await juror_client(app, client, call)
    await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    assigned = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    assert assigned.status_code == 200, assigned.text
    return call, first, second, juror


async def test_running_total_next_entry_and_window_end(app, client):
    call, first, second, juror = await _two_entries_for_one_juror(app, client)
    ends = datetime(2031, 5, 6, 16, 0, tzinfo=UTC)
    await Call.update({Call.jury_ends_at: ends}).where(Call.slug == call["slug"])
    # the factory's titles are alike: the order is the list's, so take it from the call page
    page = await juror.get(f"/jury/calls/{call['slug']}")
    assert page.text.count('class="kern-progress"') == 1 and "0 von 2" in page.text
    here, other = (
        (first, second)
        if page.text.index(str(first["id"])) < page.text.index(str(second["id"]))
        else (second, first)
    )
    screen = await juror.get(f"/jury/reviews/{here['id']}")
    assert "Gewichtete Summe" in screen.text and "0 von 1 Kriterien bewertet" in screen.text
    assert f'href="/jury/reviews/{other["id"]}?round=1"' in screen.text  # next entry
    assert "bis 6. Mai 2031, 18:00 Uhr" in screen.text  # the jury window's end, Leipzig time
    saved = await post_form(juror, f"/jury/reviews/{here['id']}/autosave", {"score_impact": "9"})
    assert "automatisch gespeichert" in saved.text
    assert 'id="running-total"' in saved.text and "90,0" in saved.text  # after the autosave
    again = await juror.get(f"/jury/reviews/{here['id']}")
    assert "90,0" in again.text and "1 von 1 Kriterien bewertet" in again.text
    # once the other entry is final, "next entry" no longer offers it
    await post_form(
        juror,
        f"/jury/reviews/{other['id']}",
        {"score_impact": "4", "action": "final", "confirm_final": "1"},
    )
    last = await juror.get(f"/jury/reviews/{here['id']}")
    assert f'href="/jury/reviews/{other["id"]}?round=1"' not in last.text
    assert "Keine weitere Bewertung ist offen" in last.text
    overview = await juror.get("/jury")
    assert 'class="kern-progress"' in overview.text and "1 von 2" in overview.text
    assert "Bewertungen offen" in overview.text  # the jury's state as a badge
    staff_page = await client.get(f"/staff/calls/{call['slug']}/jury/")
    assert "Erledigte Bewertungen in diesem Aufruf" in staff_page.text
    assert staff_page.text.count('class="kern-progress"') == 2  # the call and its one juror
    assert "1 von 2" in staff_page.text and "Erklärung abgeschlossen" in staff_page.text
    await juror.__aexit__(None, None, None)


async def test_finalising_needs_the_confirmation(app, client):
    call, first, _second, juror = await _two_entries_for_one_juror(app, client)
    refused = await post_form(
        juror, f"/jury/reviews/{first['id']}", {"score_impact": "6", "action": "final"}
    )
    assert refused.status_code == 422
    assert not await Review.exists().where(Review.submission == first["id"])  # nothing finalised
    done = await post_form(
        juror,
        f"/jury/reviews/{first['id']}",
        {"score_impact": "6", "action": "final", "confirm_final": "1"},
    )
    assert done.status_code == 200
    row = await Review.select(Review.status).where(Review.submission == first["id"]).first()
    assert row["status"] == "final"
    # a final review offers no control that the rules would refuse
    final = await juror.get(f"/jury/reviews/{first['id']}")
    assert 'name="score_impact"' not in final.text and 'name="action"' not in final.text
    assert "60,0" in final.text
    await juror.__aexit__(None, None, None)


async def test_a_closed_jury_window_shows_no_edit_controls(app, client):
    call, first, _second, juror = await _two_entries_for_one_juror(app, client)
    await Call.update({Call.jury_ends_at: datetime.now(UTC) - timedelta(minutes=1)}).where(
        Call.slug == call["slug"]
    )
    screen = await juror.get(f"/jury/reviews/{first['id']}")
    assert screen.status_code == 200
    assert 'name="score_impact"' not in screen.text and "hx-post" not in screen.text
    assert "Jury-Zeitraum" in screen.text or "gesperrt" in screen.text
    await juror.__aexit__(None, None, None)
