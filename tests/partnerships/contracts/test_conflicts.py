"""Jurors are pre-marked for an earlier partnership between their organisation and a team."""

from datetime import UTC, datetime

from challenge.calls.tables import Call
from challenge.submissions.tables import Submission
from partnerships.contracts.conflicts import REASON
from tests.challenge.jury.test_jury import juror_client
from tests.challenge.submissions.test_submissions import open_call
from tests.partnerships.conftest import running


async def unit_page(app, clients, call) -> str:
    """The staff jury page shows suggestions in German."""
    return (await clients["staff"].get(f"/staff/calls/{call['slug']}/jury")).text


async def test_a_juror_from_the_unit_that_ran_a_partnership_with_a_team_is_pre_marked(app, clients):
    entry, partnership, partner = await running(app, clients)  # city unit: Referat Digitale Stadt
    call = await Call.select().where(Call.slug == (await open_call())["slug"]).first()
    again = Submission(
        call=call["id"],
        organisation=entry["team"]["id"],
        title="Kühle Wege 2",
        status="submitted",
        reference=f"R-{partnership['id'].split('-')[0]}",
        created_at=datetime.now(UTC),
    )
    await again.save()
    unit = await juror_client(
        app, clients["staff"], call, affiliation="Stadt Leipzig, Referat Digitale Stadt"
    )
    other = await juror_client(app, clients["staff"], call, affiliation="Universität Leipzig")
    for juror, expected in ((unit, [REASON]), (other, [])):
        declaration = (await juror.get(f"/api/v1/jury/calls/{call['slug']}/declaration")).json()
        assert [
            c["reason"] for c in declaration["conflicts"] if c["submission_id"] == str(again.id)
        ] == expected
        assert [
            c["source"] for c in declaration["conflicts"] if c["submission_id"] == str(again.id)
        ] == ["suggested"] * len(expected)
        await juror.__aexit__(None, None, None)
    page = await unit_page(app, clients, call)
    assert "Ihre Organisation hatte eine Entwicklungspartnerschaft mit diesem Team." in page
    await partner.__aexit__(None, None, None)
