"""What a juror reads of an entry over the API (issue 16): nothing that singles out the team —
not a deadline extension granted to that team alone, and on blind calls not the hash of the
original file (jurors download a copy without metadata, so the hash would only link file to team)."""

from datetime import timedelta

from tests.challenge.jury.test_jury import juror_client, proposal, staff  # noqa: F401 (fixture)
from tests.challenge.submissions.test_submissions import open_call
from tests.support.web import api


async def _assigned_juror(app, staff, call):  # noqa: F811
    entries = [await proposal(app, call, team_name=f"Team {n}") for n in range(2)]
    juror = await juror_client(app, staff, call)
    await api(juror, "POST", f"/api/v1/jury/calls/{call['slug']}/declaration/complete")
    assigned = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/assignments/auto",
        {"round": 1, "reviews_per_submission": 1},
    )
    assert assigned.status_code == 200, assigned.text
    return juror, entries


async def test_a_juror_reads_the_calls_deadline_not_a_teams_extension(app, staff):  # noqa: F811
    call = await open_call()
    juror, (extended, plain) = await _assigned_juror(app, staff, call)
    later = call["closes_at"] + timedelta(days=3)
    granted = await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/extensions",
        {
            "organisation_id": str(extended["team"]["id"]),
            "closes_at": later.isoformat(),
            "reason": "Serverausfall beim Team",
        },
    )
    assert granted.status_code == 201, granted.text
    seen = [
        (await juror.get(f"/api/v1/submissions/{entry['id']}")).json()
        for entry in (extended, plain)
    ]
    assert seen[0]["closes_at"] == seen[1]["closes_at"]
    # the team itself (and staff) still see the deadline that applies to it
    own = (await staff.get(f"/api/v1/submissions/{extended['id']}")).json()
    assert own["closes_at"] != seen[0]["closes_at"]
    await juror.__aexit__(None, None, None)


async def test_a_blind_juror_gets_no_hash_of_the_original_file(app, staff):  # noqa: F811
    call = await open_call(blind_review=True)
    juror, entries = await _assigned_juror(app, staff, call)
    for entry in entries:
        seen = (await juror.get(f"/api/v1/submissions/{entry['id']}")).json()
        original = (await staff.get(f"/api/v1/submissions/{entry['id']}")).json()
        assert original["documents"][0]["sha256"]
        assert [d["sha256"] for d in seen["documents"]] == [""]
        assert original["documents"][0]["sha256"] not in str(seen)
    await juror.__aexit__(None, None, None)
