"""The staff jury page flat in the data (issue 25, point 2): counts grouped in SQL equal the old
per-row counting (on a made call and on the demo data), the entries one page at a time (page 2
the next entries, a page past the end the last one, a bad page a 400, never a 500), filters by
challenge, juror, open and too few reviews applied in SQL and kept in the page links."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from challenge.calls.tables import Call
from challenge.jury import progress
from challenge.jury.conflicts import active_conflicts
from challenge.jury.scope import covers, titles
from challenge.jury.tables import Assignment, Conflict, Round
from challenge.jury.tables import Juror as JurorRow
from challenge.organisations.tables import Organisation
from challenge.submissions.tables import Submission
from tests.conftest import http_client
from tests.support.factories import make_call, make_challenge
from tests.support.web import login, make_user

ENTRIES = 120  # two challenges of 60: three pages of 50 for the whole call
K = 3  # reviews planned per entry


async def _reference(call: dict) -> dict:
    """What the page showed before issue 25: every active assignment loaded and counted per
    juror, entry and challenge by scanning the list (the figures the grouped counts must give)."""
    assignments = await Assignment.select(
        Assignment.juror, Assignment.submission, Assignment.status
    ).where((Assignment.round.call == call["id"]) & (Assignment.status != "recused"))
    jurors = await progress._jurors(call["id"])
    entries = (
        await Submission.select(Submission.id, Submission.reference, Submission.challenge)
        .where((Submission.call == call["id"]) & (Submission.status == "submitted"))
        .order_by(Submission.reference)
    )

    def count(rows, row_key, key):
        return {
            row[row_key]: (
                sum(1 for a in assignments if a[key] == row[row_key]),
                sum(1 for a in assignments if a[key] == row[row_key] and a["status"] == "done"),
            )
            for row in rows
        }

    challenge_of = {e["id"]: str(e["challenge"]) for e in entries if e["challenge"]}
    per_challenge = {}
    for cid in await titles(call["id"]):
        mine = [a for a in assignments if challenge_of.get(a["submission"]) == cid]
        per_challenge[cid] = (
            sum(1 for e in entries if str(e["challenge"]) == cid),
            sum(1 for j in jurors if covers(j["challenge_ids"], cid)),
            sum(1 for a in mine if a["status"] == "done"),
            len(mine),
        )
    references = {e["id"]: e["reference"] for e in entries}
    return {
        "jurors": count(jurors, "user", "juror"),
        "entries": count(entries, "id", "submission"),
        "order": [e["id"] for e in entries],
        "challenges": per_challenge,
        "conflicts": {
            c["id"]: references.get(c["submission"], "") for c in await active_conflicts(call["id"])
        },
        "done": sum(1 for a in assignments if a["status"] == "done"),
        "total": len(assignments),
    }


async def _grouped(call: dict) -> dict:
    """The same figures from the new overview, every page of entries walked."""
    first = await progress.jury_overview(call)
    entries = []
    for page in range(1, first["pages"] + 1):
        entries += (await progress.jury_overview(call, page=page))["entries"]
    return {
        "jurors": {j["user"]: (j["assigned"], j["done"]) for j in first["jurors"]},
        "entries": {e["id"]: (e["assigned"], e["done"]) for e in entries},
        "order": [e["id"] for e in entries],
        "challenges": {
            str(c["id"]): (c["entries"], c["jurors"], c["done"], c["total"])
            for c in first["challenges"]
        },
        "conflicts": {c["id"]: c["entry"] for c in first["conflicts"]},
        "done": first["done"],
        "total": first["total"],
    }


@pytest.fixture
async def jury(app) -> dict:
    """A closed call with challenges a and b (60 entries each, one withdrawn), 4 jurors (one for
    a only), entry n with n % 4 assignments (one done in two; every tenth a recused one besides), a
    conflict."""
    now = datetime.now(UTC)
    made = await make_call(slug=f"liste-{uuid.uuid4().hex[:8]}")
    call = await Call.select().output(load_json=True).where(Call.slug == made["slug"]).first()
    a, b = await make_challenge(made, "a"), await make_challenge(made, "b")
    round_ = Round(call=call["id"], number=1, reviews_per_submission=K, created_at=now)
    await round_.save()
    people = [await make_user(name=f"Jurorin {n}") for n in range(4)]
    for n, person in enumerate(people):
        await JurorRow(
            call=call["id"],
            user=person["id"],
            invited_at=now,
            challenges=[str(a["id"])] if n == 0 else [],
        ).save()
    tag = uuid.uuid4().hex[:6].upper()
    teams = [
        Organisation(name=f"Team {tag} {n}", kind="startup", created_at=now) for n in range(ENTRIES)
    ]
    await Organisation.insert(*teams)
    entries = [
        Submission(
            call=call["id"],
            organisation=team.id,
            challenge=(a if n % 2 else b)["id"],
            title=f"Vorschlag {n}",
            status="withdrawn" if n == 7 else "submitted",
            reference=f"L{tag}-{n:04d}",
            created_at=now,
        )
        for n, team in enumerate(teams)
    ]
    await Submission.insert(*entries)
    assignments = []
    for n, entry in enumerate(entries):
        for k in range(n % 4):
            juror = people[(n + k) % 4] if n % 2 else people[1 + (n + k) % 3]
            status = "done" if (n + k) % 2 else "assigned"
            assignments.append((juror["id"], entry.id, status))
        assignments.append((people[0]["id"], entry.id, "recused") if n % 10 == 0 else None)
    await Assignment.insert(
        *[
            Assignment(round=round_.id, juror=j, submission=s, status=st, created_at=now)
            for j, s, st in filter(None, assignments)
        ]
    )
    await Conflict(
        call=call["id"],
        juror=people[2]["id"],
        submission=entries[0].id,
        reason="Kollegin",
        source="staff",
        created_at=now,
    ).save()
    return {"call": call, "people": people, "entries": entries, "tag": tag, "a": a, "b": b}


async def test_grouped_counts_equal_the_old_scan(jury):
    expected, grouped = await _reference(jury["call"]), await _grouped(jury["call"])
    assert grouped == expected
    assert grouped["total"] > 100 and len(grouped["order"]) == ENTRIES - 1


async def test_grouped_counts_equal_the_old_scan_on_the_demo_data(app, settings):
    from challenge.demo import load_demo

    await load_demo(settings=settings)
    calls = await Call.select().output(load_json=True).where(Call.slug.like("%"))
    checked = 0
    for call in calls:
        expected = await _reference(call)
        assert await _grouped(call) == expected, call["slug"]
        checked += expected["total"]
    assert checked  # the demo has a jury at work


@pytest.fixture
async def staff(app):
    async with http_client(app) as client:
        await login(client, (await make_user(roles=("staff",)))["email"])
        yield client


def _references(page_text: str, tag: str) -> list[str]:
    """The references in the entries' table (the conflicts' table below names entries too)."""
    return re.findall(rf"L{tag}-\d{{4}}", page_text.split('id="conflicts"')[0])


async def test_entries_one_page_at_a_time(jury, staff):
    url, tag = f"/staff/calls/{jury['call']['slug']}/jury", jury["tag"]
    first = await staff.get(url)
    assert first.status_code == 200
    assert _references(first.text, tag)[:2] == [f"L{tag}-0000", f"L{tag}-0001"]
    assert len(_references(first.text, tag)) == 50
    assert (
        "Seite 1 von 3" in first.text
        and "?challenge=&amp;juror=&amp;show=&amp;page=2" in first.text
    )
    second = await staff.get(url, params={"page": 2})
    shown = _references(second.text, tag)
    assert shown[0] == f"L{tag}-0051" and len(shown) == 50  # 0007 is withdrawn
    assert not set(shown) & set(_references(first.text, tag))
    past = await staff.get(url, params={"page": 99})
    assert past.status_code == 200 and "Seite 3 von 3" in past.text
    assert _references(past.text, tag)[-1] == f"L{tag}-0119"
    for bad in ({"page": "abc"}, {"page": "0"}, {"juror": "kein-uuid"}):
        refused = await staff.get(url, params=bad)
        assert refused.status_code == 400, bad
    # every juror stays listed, whatever the page
    assert all(p["name"] in second.text for p in jury["people"])


async def test_filters_apply_in_sql_and_stay_in_the_links(jury, staff):
    call, tag, people = jury["call"], jury["tag"], jury["people"]
    url = f"/staff/calls/{call['slug']}/jury"
    overview = await progress.jury_overview(call, challenge="a")
    odd = [e for e in jury["entries"] if int(e.reference[-4:]) % 2 and e.status == "submitted"]
    assert overview["entry_total"] == len(odd) == 59
    assert {e["challenge_title"] for e in overview["entries"]} == {"Challenge a"}
    page = await staff.get(url, params={"challenge": "a", "page": 2})
    assert _references(page.text, tag) == [e.reference for e in odd[50:]]
    assert (
        "Seite 2 von 2" in page.text and "?challenge=a&amp;juror=&amp;show=&amp;page=1" in page.text
    )

    juror = people[0]["id"]
    theirs = {
        row["submission"]
        for row in await Assignment.select(Assignment.submission).where(
            (Assignment.juror == juror)
            & (Assignment.status != "recused")
            & (Assignment.submission.status == "submitted")
        )
    }
    overview = await progress.jury_overview(call, juror=juror, page=1)
    assert overview["entry_total"] == len(theirs) > 0
    page = await staff.get(url, params={"juror": str(juror), "show": "open"})
    assert '<option value="open" selected>' in page.text
    assert f'<option value="{juror}" selected>' in page.text

    reference = await _reference(call)
    few = {e for e, (assigned, _done) in reference["entries"].items() if assigned < K}
    still_open = {e for e, (assigned, done) in reference["entries"].items() if done < assigned}
    for show, expected in (("few", few), ("open", still_open)):
        listed = []
        first = await progress.jury_overview(call, show=show)
        for number in range(1, first["pages"] + 1):
            listed += (await progress.jury_overview(call, show=show, page=number))["entries"]
        assert {e["id"] for e in listed} == expected and first["entry_total"] == len(expected)
    # a filter that names nothing on this call is dropped, not an error
    unknown = await staff.get(url, params={"challenge": "zz", "juror": str(uuid.uuid4())})
    assert unknown.status_code == 200 and "Seite 1 von 3" in unknown.text


async def test_an_empty_filter_says_so(jury, staff):
    url = f"/staff/calls/{jury['call']['slug']}/jury"
    await Assignment.update({Assignment.status: "done"}).where(
        Assignment.juror == jury["people"][3]["id"]
    )
    lonely = await make_user(name="Neu")
    await JurorRow(call=jury["call"]["id"], user=lonely["id"], invited_at=datetime.now(UTC)).save()
    page = await staff.get(url, params={"juror": str(lonely["id"]), "page": 5})
    assert page.status_code == 200 and "Kein Vorschlag passt." in page.text
    assert "Passende Vorschläge: 0" in page.text and "Seite 1 von" not in page.text
