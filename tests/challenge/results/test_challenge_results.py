"""Results per challenge (issue 17, points 5 and 6): rankings per challenge, the development
phase limited to a challenge's places (also under twenty parallel decisions), stipends in the
budget, publication grouped by challenge, and the unit's view of a released ranking."""

import asyncio
import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from challenge.calls.tables import Call
from challenge.jury.services import round_of
from challenge.jury.tables import Review
from challenge.platform.audit.tables import AuditEntry
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from tests.conftest import http_client
from tests.support.factories import make_call, make_challenge, make_team, make_unit
from tests.support.web import api, login, make_user, spooled_mails, text_of, unique_email

CRITERIA = [{"key": "impact", "name": "Nutzen", "weight": 1, "scale_min": 0, "scale_max": 10}]


async def challenge_call(*, sizes=None, budget=100_000_00, **challenge_overrides):
    """A closed call with challenges ``sizes`` {key: entries}; each challenge has its own three
    jurors. Entries of ``a`` score 10, 9, 8, … and those of ``b`` 6, 5, 4, …, so challenge b's
    best entry ranks behind a's in the whole call but first in its own."""
    sizes = sizes or {"a": 4, "b": 3}
    now = datetime.now(UTC)
    call = await make_call(
        status="published",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=20),
        budget_cents=budget,
        awards_planned=1,
        criteria=CRITERIA,
    )
    call = await Call.select().where(Call.slug == call["slug"]).first()
    round_ = await round_of(call, 1)
    challenges, entries, jurors, units = {}, {}, {}, {}
    for offset, (key, count) in enumerate(sizes.items()):
        units[key] = await make_unit()
        challenges[key] = await make_challenge(
            call,
            key,
            unit=units[key],
            title=f"Aufgabe {key.upper()} {uuid.uuid4().hex[:4]}",
            **challenge_overrides.get(key, {}),
        )
        jurors[key] = [
            await make_user(name=f"Juror {key}{j}", email=unique_email(f"j{key}{j}"))
            for j in range(3)
        ]
        entries[key] = []
        for index in range(count):
            entries[key].append(
                await _entry(call, round_, challenges[key], jurors[key], 10 - 4 * offset - index)
            )
    return call, challenges, entries, jurors, units


async def _entry(call, round_, challenge, jury, quality):
    now = datetime.now(UTC)
    owner = await make_user(name="Team-Person", locale="de", email=unique_email("owner"))
    team = await make_team(owner["id"], name=f"Team {uuid.uuid4().hex[:6]}")
    reference = f"SCC-{uuid.uuid4().hex[:8]}"
    submission = Submission(
        call=call["id"],
        organisation=team["id"],
        challenge=challenge["id"],
        title=f"Vorschlag {reference}",
        status="submitted",
        reference=reference,
        submitted_at=now - timedelta(days=25),
        created_at=now,
    )
    await submission.save()
    for j, juror in enumerate(jury):
        await Review(
            round=round_["id"],
            juror=juror["id"],
            submission=submission.id,
            scores={"impact": max(0, min(10, quality - (j % 2)))},
            status="final",
            finalized_at=now,
        ).save()
    return {"id": submission.id, "reference": reference, "owner": owner}


@pytest.fixture
async def staff(app):
    async with http_client(app) as client:
        user = await make_user(roles=("staff",), name="Stefanie Staff")
        await login(client, user["email"])
        yield client


async def decide(client, call, entry, outcome, award=0):
    return await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/decisions",
        {
            "submission_id": str(entry["id"]),
            "outcome": outcome,
            "award_cents": award,
            "rationale": "Überzeugt",
        },
    )


def ranking_url(call, key=None):
    return f"/api/v1/calls/{call['slug']}/ranking" + (f"?challenge={key}" if key else "")


async def test_a_challenges_ranking_covers_its_entries_only(app, staff):
    call, challenges, entries, jurors, _ = await challenge_call()
    whole = (await staff.get(ranking_url(call))).json()
    only_b = await staff.get(ranking_url(call, "b"))
    assert only_b.status_code == 200, only_b.text
    data = only_b.json()
    b_ids = {str(e["id"]) for e in entries["b"]}
    assert {e["submission_id"] for e in data["entries"]} == b_ids
    assert len(whole["entries"]) == 7
    best_b = str(entries["b"][0]["id"])
    assert next(e["rank"] for e in data["entries"] if e["submission_id"] == best_b) == 1
    assert next(e["rank"] for e in whole["entries"] if e["submission_id"] == best_b) == 5
    # reliability and leniency over b's reviews: only b's jurors appear
    assert {j["id"] for j in data["jurors"]} == {str(j["id"]) for j in jurors["b"]}
    assert len(whole["jurors"]) == 6
    assert data["challenge"] == {"key": "b", "title": challenges["b"]["title"], "places": 3}
    assert "challenge" not in whole
    missing = await staff.get(ranking_url(call, "nope"))
    assert missing.status_code == 404


async def test_cutoff_unstable_lies_at_the_challenges_places(app, staff):
    # four entries of equal quality: every rank interval crosses the cut-off at one place
    call, _, _, _, _ = await challenge_call(sizes={"a": 4}, a={"places": 1})
    now = datetime.now(UTC)
    await Review.update({Review.scores: {"impact": 5}, Review.finalized_at: now}).where(
        Review.round.call == call["id"]
    )
    first = await Review.select(Review.id).where(Review.round.call == call["id"]).first()
    await Review.update({Review.scores: {"impact": 8}}).where(Review.id == first["id"])
    data = (await staff.get(ranking_url(call, "a"))).json()
    assert any(e["cutoff_unstable"] for e in data["entries"])


async def test_development_is_limited_to_the_challenges_places(app, staff):
    call, challenges, entries, _, _ = await challenge_call(sizes={"a": 3, "b": 2}, a={"places": 2})
    for entry in entries["a"][:2]:
        response = await decide(staff, call, entry, "development")
        assert response.status_code == 200, response.text
        assert response.json()["decision"]["award_cents"] == 2_000_00
    refused = await decide(staff, call, entries["a"][2], "development")
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "places_exceeded"
    assert body["challenge_title"] == challenges["a"]["title"] and body["places"] == 2
    assert challenges["a"]["title"] in body["detail"]
    # changing a selected entry's decision again is not one more place; b has its own places
    assert (await decide(staff, call, entries["a"][0], "development")).status_code == 200
    assert (await decide(staff, call, entries["b"][0], "development")).status_code == 200
    # a freed place can be given again
    assert (await decide(staff, call, entries["a"][1], "not_selected")).status_code == 200
    assert (await decide(staff, call, entries["a"][2], "development")).status_code == 200
    budget = (await staff.get(f"/api/v1/calls/{call['slug']}/decisions")).json()["budget"]
    assert budget["awarded_cents"] == 3 * 2_000_00  # the stipends count against the budget


async def test_stipends_count_in_the_budget_guard_and_are_fixed(app, staff):
    call, _, entries, _, _ = await challenge_call(sizes={"a": 3}, budget=5_000_00)
    assert (await decide(staff, call, entries["a"][0], "development")).status_code == 200
    assert (await decide(staff, call, entries["a"][1], "development")).status_code == 200
    over = await decide(staff, call, entries["a"][2], "development")
    assert over.status_code == 422 and over.json()["code"] == "budget_exceeded"
    other = await decide(staff, call, entries["a"][2], "development", award=1_000_00)
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "award_cents"


async def test_development_on_a_call_without_challenges_is_refused(app, staff):
    now = datetime.now(UTC)
    call = await make_call(closes_at=now - timedelta(days=1), opens_at=now - timedelta(days=9))
    call = await Call.select().where(Call.slug == call["slug"]).first()
    owner = await make_user(email=unique_email("plain"))
    team = await make_team(owner["id"])
    entry = Submission(
        call=call["id"],
        organisation=team["id"],
        title="Ohne Aufgabe",
        status="submitted",
        reference=f"P-{uuid.uuid4().hex[:8]}",
        created_at=now,
    )
    await entry.save()
    refused = await decide(staff, call, {"id": entry.id}, "development")
    assert refused.status_code == 422 and refused.json()["code"] == "no_challenges"
    form = await staff.get(f"/staff/calls/{call['slug']}/results/decide/{entry.id}")
    assert form.status_code == 200 and 'value="development"' not in form.text


async def test_twenty_parallel_development_decisions_take_exactly_the_places(app, staff):
    call, challenges, entries, _, _ = await challenge_call(sizes={"a": 20}, a={"places": 3})
    responses = await asyncio.gather(
        *(decide(staff, call, entry, "development") for entry in entries["a"])
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 3 + [422] * 17, [r.text for r in responses if r.status_code >= 500]
    assert all(r.json()["code"] == "places_exceeded" for r in responses if r.status_code == 422)
    selected = await Decision.count().where(
        (Decision.call == call["id"]) & (Decision.outcome == "development")
    )
    assert selected == 3


async def test_publication_groups_the_selected_teams_by_challenge(
    app, staff, client, settings, deliver_mail
):
    call, challenges, entries, _, _ = await challenge_call(sizes={"a": 3, "b": 2})
    for entry in entries["a"][:2] + entries["b"][:1]:
        assert (await decide(staff, call, entry, "development")).status_code == 200
    rest = await api(staff, "POST", f"/staff/calls/{call['slug']}/results/rest-not-selected")
    assert rest.status_code == 200
    published = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/results/publish")
    assert published.status_code == 200, published.text
    data = (await client.get(f"/api/v1/calls/{call['slug']}/results")).json()
    assert [c["key"] for c in data["challenges"]] == ["a", "b"]
    grouped = {c["key"]: {s["submission_id"] for s in c["selected"]} for c in data["challenges"]}
    assert grouped == {
        "a": {str(e["id"]) for e in entries["a"][:2]},
        "b": {str(entries["b"][0]["id"])},
    }
    assert data["awards"] == []  # no winners: the development phase is not an award
    page = await client.get(f"/calls/{call['slug']}/results")
    assert challenges["a"]["title"] in page.text and challenges["b"]["title"] in page.text
    assert "Vorschlag " + entries["b"][1]["reference"] not in page.text
    await deliver_mail()
    [selected] = spooled_mails(settings.mail_dir, entries["a"][0]["owner"]["email"])
    body = " ".join(text_of(selected).split())  # the text part wraps long lines
    assert challenges["a"]["title"] in body and "Entwicklungsphase" in body
    [rejected] = spooled_mails(settings.mail_dir, entries["a"][2]["owner"]["email"])
    assert "Nicht ausgewählt" in text_of(rejected)


async def test_exports_name_each_entrys_challenge(app, staff):
    call, _, entries, _, _ = await challenge_call(sizes={"a": 2, "b": 1})
    response = await staff.get(f"/api/v1/calls/{call['slug']}/scores.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["reference", "challenge", "title"]
    by_reference = {row[0]: row[1] for row in rows[1:]}
    assert by_reference[entries["b"][0]["reference"]] == "b"
    assert by_reference[entries["a"][0]["reference"]] == "a"


async def test_the_staff_page_switches_between_challenges(app, staff):
    call, challenges, entries, _, _ = await challenge_call()
    page = await staff.get(f"/staff/calls/{call['slug']}/results?challenge=b")
    assert page.status_code == 200
    assert '&challenge=a"' in page.text
    assert entries["b"][0]["reference"] in page.text
    assert entries["a"][0]["reference"] not in page.text
    whole = await staff.get(f"/staff/calls/{call['slug']}/results")
    assert entries["a"][0]["reference"] in whole.text and challenges["b"]["title"] in whole.text
    assert (await staff.get(f"/staff/calls/{call['slug']}/results?challenge=zz")).status_code == 404


async def test_the_unit_reads_its_ranking_only_after_release(app, staff, monkeypatch):
    call, challenges, entries, _, units = await challenge_call()
    member = await make_user(email=unique_email("unit"), name="Amt Person")
    from challenge.challenges.tables import UnitMember

    await UnitMember(unit=units["a"]["id"], user=member["id"], created_at=datetime.now(UTC)).save()
    page = f"/unit/challenges/{challenges['a']['id']}/ranking"
    async with http_client(app) as unit:
        await login(unit, member["email"])
        assert (await unit.get(ranking_url(call, "a"))).status_code == 403
        assert (await unit.get(page)).status_code == 403
        other = f"/unit/challenges/{challenges['b']['id']}/ranking"
        assert (await unit.get(other)).status_code == 404  # not the unit's challenge
        assert (await unit.get(ranking_url(call))).status_code == 403
        released = await api(
            staff, "POST", f"/api/v1/calls/{call['slug']}/challenges/a/release-ranking"
        )
        assert released.status_code == 200, released.text
        assert released.json()["ranking_released_at"] is not None
        refused = await api(
            unit, "POST", f"/api/v1/calls/{call['slug']}/challenges/a/release-ranking"
        )
        assert refused.status_code == 403
        mine = await unit.get(ranking_url(call, "a"))
        assert mine.status_code == 200, mine.text
        assert {e["submission_id"] for e in mine.json()["entries"]} == {
            str(e["id"]) for e in entries["a"]
        }
        assert (await unit.get(ranking_url(call, "b"))).status_code == 403  # another unit's
        shown = await unit.get(page)
        assert shown.status_code == 200 and entries["a"][0]["reference"] in shown.text
        assert entries["b"][0]["reference"] not in shown.text
        assert (await unit.get(ranking_url(call))).status_code == 403  # the whole call: staff
        # a page at a time (one entry a page here): page 2 shows another entry than page 1, a
        # page past the end the last one, a page that is no number is refused
        from challenge.results import pages as result_pages

        monkeypatch.setattr(result_pages, "UNIT_PAGE_SIZE", 1)
        references = {e["reference"] for e in entries["a"]}
        first, second = (await unit.get(f"{page}?page=1")), (await unit.get(f"{page}?page=2"))
        on_first = {r for r in references if r in first.text}
        on_second = {r for r in references if r in second.text}
        assert len(on_first) == len(on_second) == 1 and on_first != on_second
        assert "page=2" in first.text
        last = await unit.get(f"{page}?page=999")
        assert last.status_code == 200 and len({r for r in references if r in last.text}) == 1
        assert (await unit.get(f"{page}?page=abc")).status_code == 400
    async with http_client(app) as anonymous:
        assert (await anonymous.get(ranking_url(call, "a"))).status_code == 401
    audit = await AuditEntry.count().where(
        (AuditEntry.action == "results.ranking_released")
        & (AuditEntry.object_id == str(challenges["a"]["id"]))
    )
    assert audit == 1


async def test_a_call_without_challenges_answers_as_before(app, staff, client):
    now = datetime.now(UTC)
    call = await make_call(
        closes_at=now - timedelta(days=1), opens_at=now - timedelta(days=9), criteria=CRITERIA
    )
    call = await Call.select().where(Call.slug == call["slug"]).first()
    round_ = await round_of(call, 1)
    jury = [await make_user(email=unique_email(f"pj{j}")) for j in range(2)]
    for index in range(2):
        entry = await _entry_without_challenge(call)
        for juror in jury:
            await Review(
                round=round_["id"],
                juror=juror["id"],
                submission=entry,
                scores={"impact": 8 - index},
                status="final",
                finalized_at=now,
            ).save()
    data = (await staff.get(ranking_url(call))).json()
    assert set(data) == {"method", "entries", "reliability", "jurors"}
    assert (await staff.get(ranking_url(call, "a"))).status_code == 404
    csv_text = (await staff.get(f"/api/v1/calls/{call['slug']}/scores.csv")).content.decode(
        "utf-8-sig"
    )
    assert csv_text.splitlines()[0].startswith("reference;title;juror")


async def _entry_without_challenge(call):
    owner = await make_user(email=unique_email("plain"))
    team = await make_team(owner["id"])
    entry = Submission(
        call=call["id"],
        organisation=team["id"],
        title="Ohne Aufgabe",
        status="submitted",
        reference=f"P-{uuid.uuid4().hex[:8]}",
        created_at=datetime.now(UTC),
    )
    await entry.save()
    return entry.id
