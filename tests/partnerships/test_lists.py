"""The partnership lists stay flat as data grows (issue 25, point 2): the staff's list and
/projects are filtered, counted, summed and paged in SQL; page 2 holds the rest, a page past
the end shows the last one, a page that is no number is refused (400), never a 500; the totals
over every page equal the sums of the rows."""

from __future__ import annotations

import re
import statistics
from collections import Counter

from partnerships.contracts import listing
from partnerships.opendata import overview, project_list
from partnerships.opendata.facts import PUBLIC_STATES
from partnerships.tables import Evidence, Milestone, Payment
from tests.conftest import http_client
from tests.partnerships.list_world import many_partnerships
from tests.support.factories import make_unit

ROW_LINK = re.compile(r'href="/staff/partnerships/([0-9a-f-]{36})"')
PROJECT_LINK = re.compile(r'href="/projects/([0-9a-f-]{36})"')


def _ids(html: str, pattern=ROW_LINK) -> list[str]:
    return pattern.findall(html)


async def test_staff_list_pages_filters_and_totals(app, clients):
    world = await many_partnerships(55)
    rows, call = world["partnerships"], world["call"]
    staff = clients["staff"]
    mine = {"call": call["slug"]}

    first = await staff.get("/staff/partnerships", params=mine)
    second = await staff.get("/staff/partnerships", params={**mine, "page": 2})
    assert first.status_code == second.status_code == 200
    shown = _ids(first.text) + _ids(second.text)
    assert len(_ids(first.text)) == listing.PER_PAGE and len(shown) == 55
    assert sorted(shown) == sorted(str(p["id"]) for p in rows)  # every one once, newest first
    assert shown[0] == str(rows[0]["id"])
    assert "Seite 2 von 2" in second.text
    assert f"call={call['slug']}&amp;page=1" in second.text  # page links keep the filters

    past = await staff.get("/staff/partnerships", params={**mine, "page": 99})
    assert past.status_code == 200 and _ids(past.text) == _ids(second.text)
    for bad in ("abc", "0", "-1", "1e9"):
        refused = await staff.get("/staff/partnerships", params={**mine, "page": bad})
        assert refused.status_code == 400, bad

    totals = (await listing.page_of(listing.Filters(call=call["slug"]), 2))["totals"]
    paid = sum(m["paid_cents"] for m in world["milestones"])
    assert totals == {
        "count": 55,
        "total_cents": sum(p["total_cents"] for p in rows),
        "paid_cents": paid,
    }
    unpaginated = [
        r for r in await overview.partnership_list() if r["id"] in {p["id"] for p in rows}
    ]
    assert sum(r["paid_cents"] for r in unpaginated) == paid
    assert sum(r["total_cents"] for r in unpaginated) == totals["total_cents"]


async def test_staff_list_filters_in_sql(app, clients):
    world = await many_partnerships(24, seed=11)
    rows, call, tag = world["partnerships"], world["call"], world["tag"]
    staff = clients["staff"]
    by_status = Counter(p["status"] for p in rows)
    for status, count in by_status.items():
        shown = await listing.page_of(listing.Filters(status=status, call=call["slug"]), 1)
        assert shown["totals"]["count"] == count
        assert {r["status"] for r in shown["rows"]} == {status}
    stipends = [p for p in rows if p["kind"] == "stipend"]
    page = await staff.get("/staff/partnerships", params={"kind": "stipend", "q": tag})
    assert sorted(_ids(page.text)) == sorted(str(p["id"]) for p in stipends)

    # the search: title, partner's name, or the reference
    one = rows[5]
    by_title = await listing.page_of(listing.Filters(q=f"{tag} Nummer 5"), 1)
    assert [r["id"] for r in by_title["rows"]] == [one["id"]]
    by_team = await listing.page_of(listing.Filters(q=f"team {tag} 5"), 1)  # any case
    assert [r["id"] for r in by_team["rows"]] == [one["id"]]
    by_reference = await listing.page_of(listing.Filters(q=f"SCC-2027-{one['number']}"), 1)
    assert [r["id"] for r in by_reference["rows"]] == [one["id"]]
    huge = await staff.get("/staff/partnerships", params={"q": "SCC-2027-9999999999"})
    assert huge.status_code == 200  # past the number column's range: no match, no error
    paid = sum(m["paid_cents"] for m in world["milestones"] if m["partnership"] == one["id"])
    assert by_title["totals"] == {
        "count": 1,
        "total_cents": one["total_cents"],
        "paid_cents": paid,
    }

    # unknown codes narrow nothing; an unknown call finds nothing; too long is refused
    loose = await staff.get("/staff/partnerships", params={"status": "nonsense", "q": tag})
    assert loose.status_code == 200 and len(_ids(loose.text)) == 24
    nothing = await staff.get("/staff/partnerships", params={"call": "kein-aufruf"})
    assert nothing.status_code == 200 and "Keine Partnerschaft passt." in nothing.text
    assert (await staff.get("/staff/partnerships", params={"q": "x" * 201})).status_code == 400
    assert (await staff.get("/staff/partnerships", params={"kind": "x" * 21})).status_code == 400
    options = await listing.calls_with_partnerships()
    assert call["slug"] in {c["slug"] for c in options}


async def test_projects_page_a_page_at_a_time(app, clients):
    unit = await make_unit()
    world = await many_partnerships(48, unit=unit, seed=5)
    public_rows = [p for p in world["partnerships"] if p["status"] in PUBLIC_STATES]
    assert len(public_rows) > project_list.PER_PAGE
    owner = str(unit["id"])
    visitor = http_client(app)
    try:
        first = await visitor.get("/projects", params={"owner": owner})
        second = await visitor.get("/projects", params={"owner": owner, "page": 2})
        assert first.status_code == second.status_code == 200
        shown = _ids(first.text, PROJECT_LINK) + _ids(second.text, PROJECT_LINK)
        assert len(_ids(first.text, PROJECT_LINK)) == project_list.PER_PAGE
        assert sorted(shown) == sorted(str(p["id"]) for p in public_rows)  # drafts, sent: never
        newest = max(public_rows, key=lambda p: p["number"])
        assert shown[0] == str(newest["id"])  # newest contract first
        assert f"owner={owner}&amp;page=2" in first.text  # the next page keeps the filter
        assert f"Geförderte Projekte: {len(public_rows)}" in first.text

        past = await visitor.get("/projects", params={"owner": owner, "page": 500})
        assert past.status_code == 200
        assert _ids(past.text, PROJECT_LINK) == _ids(second.text, PROJECT_LINK)
        for bad in ("abc", "0", ""):
            refused = await visitor.get("/projects", params={"owner": owner, "page": bad})
            assert refused.status_code in (200, 400) and refused.status_code != 500, bad
        assert (await visitor.get("/projects", params={"page": "abc"})).status_code == 400
        whole = await visitor.get("/projects", params={"page": 1})
        assert whole.status_code == 200
        assert f'value="{owner}"' in whole.text  # the owner filter lists the unit
    finally:
        await visitor.aclose()

    shown = await project_list.projects_page(owner, 1)
    totals = {p["id"]: p["total_cents"] for p in public_rows}
    assert shown["total"] == len(public_rows)
    assert all(p["total_cents"] == totals[p["id"]] for p in shown["projects"])
    assert await project_list.projects_page("no-uuid", 1) == {
        "projects": [],
        "page": 1,
        "pages": 1,
        "total": 0,
    }


async def test_funding_overview_sums_in_sql(app, clients):
    world = await many_partnerships(30, seed=3)
    rows = {p["id"]: p for p in world["partnerships"]}
    committed = {"signed", "active", "completed"}
    expected: dict = {}
    for p in rows.values():
        entry = expected.setdefault(p["kind"], Counter())
        if p["status"] in committed:
            entry["partnerships"] += 1
            entry["committed_cents"] += p["total_cents"]
    for m in world["milestones"]:
        p = rows[m["partnership"]]
        if m["status"] in ("approved", "paid") and p["status"] in committed:
            expected[p["kind"]]["approved_cents"] += m["amount_cents"]
    for y in world["payments"]:
        expected[rows[y["partnership"]]["kind"]]["disbursed_cents"] += y["amount_cents"]
    data = await overview.funding()
    mine = {g["kind"]: g for g in data["groups"] if g["call"] == world["call"]["slug"]}
    assert set(mine) == {k for k, v in expected.items() if v}
    for kind, figures in expected.items():
        for name in ("partnerships", "committed_cents", "approved_cents", "disbursed_cents"):
            assert mine[kind][name] == figures[name], (kind, name)
    assert data["latency_days"] == await _latency_in_python()
    page = await clients["finance"].get("/staff/funding")
    assert page.status_code == 200 and world["call"]["title"] in page.text


async def _latency_in_python() -> dict:
    """The medians as computed before they moved into SQL: every row loaded."""
    approved = {
        m["id"]: m["approved_at"]
        for m in await Milestone.select(Milestone.id, Milestone.approved_at)
        if m["approved_at"]
    }
    last, first = {}, {}
    for e in await Evidence.select(Evidence.milestone, Evidence.created_at):
        last[e["milestone"]] = max(last.get(e["milestone"], e["created_at"]), e["created_at"])
    for y in await Payment.select(Payment.milestone, Payment.created_at):
        first[y["milestone"]] = min(first.get(y["milestone"], y["created_at"]), y["created_at"])

    def median(values):
        return round(statistics.median(values), 1) if values else None

    to_approval = [(a - last[m]).total_seconds() / 86400 for m, a in approved.items() if m in last]
    to_payment = [(first[m] - a).total_seconds() / 86400 for m, a in approved.items() if m in first]
    return {
        "evidence_to_approval": median(to_approval),
        "approval_to_payment": median(to_payment),
        "milestones_measured": len(to_approval),
    }
