"""Decisions with the budget guard, publishing results (mails, public page), exports, the jury
report, certificates as a background job, award letters and shortlisting from the ranking."""

import asyncio
import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from pypdf import PdfReader

from challenge.calls.tables import Call
from challenge.jury.services import round_of
from challenge.jury.tables import Review, RoundEntry
from challenge.platform.audit.tables import AuditEntry
from challenge.platform.jobs import service as jobs
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from tests.conftest import http_client
from tests.support.factories import make_call, make_team
from tests.support.web import api, login, make_user, post_form, spooled_mails, text_of, unique_email

CRITERIA = [
    {"key": "impact", "name": "Nutzen", "weight": 2, "scale_min": 0, "scale_max": 10},
    {"key": "team", "name": "Team", "weight": 1, "scale_min": 1, "scale_max": 5},
]


async def judged_call(*, entries=4, jurors=3, budget=100_000_00, awards_planned=2, **overrides):
    """A closed call with submitted entries, each scored by every juror (final reviews)."""
    now = datetime.now(UTC)
    call = await make_call(
        status="published",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=20),
        budget_cents=budget,
        awards_planned=awards_planned,
        max_award_cents=60_000_00,
        criteria=CRITERIA,
        **overrides,
    )
    call = await Call.select().where(Call.slug == call["slug"]).first()
    round_ = await round_of(call, 1)
    jury = [
        await make_user(
            name=f"Geheim-Jurorin-{uuid.uuid4().hex[:6]}", email=unique_email(f"juror{i}")
        )
        for i in range(jurors)
    ]
    items = []
    for index in range(entries):
        locale = "en" if index % 2 else "de"
        owner = await make_user(name=f"Marker-Person-{uuid.uuid4().hex[:6]}", locale=locale)
        member = await make_user(name="Zweites Mitglied", locale="de")
        team = await make_team(owner["id"], name=f"Team {index}", members=(member["id"],))
        reference = f"T-{uuid.uuid4().hex[:8]}"
        submission = Submission(
            call=call["id"],
            organisation=team["id"],
            title=f"Projekt {index}",
            summary=f"Zusammenfassung {index}",
            status="submitted",
            reference=reference,
            consent_publication=index == 0,
            submitted_at=now - timedelta(days=25),
            created_at=now,
        )
        await submission.save()
        for j, juror in enumerate(jury):
            await Review(
                round=round_["id"],
                juror=juror["id"],
                submission=submission.id,
                scores={"impact": max(0, 10 - 2 * index - j), "team": 3},
                status="final",
                comment=f"Kommentar von Juror {j} zu {index}",
                shareable=j == 0,
                finalized_at=now,
            ).save()
        items.append(
            {
                "id": submission.id,
                "reference": reference,
                "owner": owner,
                "member": member,
                "team": team,
                "locale": locale,
            }
        )
    return call, items, jury


@pytest.fixture
async def staff(app):
    client = http_client(app)
    await client.__aenter__()
    user = await make_user(roles=("staff",), name="Stefanie Staff")
    await login(client, user["email"])
    client.user = user
    yield client
    await client.__aexit__(None, None, None)


async def decide(staff, call, entry, outcome, award=0, rationale="Überzeugendes Konzept"):
    return await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/decisions",
        {
            "submission_id": str(entry["id"]),
            "outcome": outcome,
            "award_cents": award,
            "rationale": rationale,
        },
    )


async def test_decisions_are_recorded_changed_and_audited(app, staff):
    call, items, _ = await judged_call()
    response = await decide(staff, call, items[0], "winner", 40_000_00)
    assert response.status_code == 200, response.text
    assert response.json()["budget"] == {
        "budget_cents": 100_000_00,
        "awarded_cents": 40_000_00,
        "remaining_cents": 60_000_00,
    }
    changed = await decide(staff, call, items[0], "runner_up", 20_000_00)
    assert changed.json()["decision"]["outcome"] == "runner_up"
    assert await Decision.count().where(Decision.call == call["id"]) == 1
    audit = await AuditEntry.select(AuditEntry.payload).where(
        (AuditEntry.action == "results.decision") & (AuditEntry.object_id == str(items[0]["id"]))
    )
    assert len(audit) == 2
    listed = (await staff.get(f"/api/v1/calls/{call['slug']}/decisions")).json()
    assert listed["budget"]["awarded_cents"] == 20_000_00


async def test_budget_guard_refuses_awards_above_the_budget_and_changes_nothing(app, staff):
    call, items, _ = await judged_call(budget=100_000_00)
    assert (await decide(staff, call, items[0], "winner", 60_000_00)).status_code == 200
    over = await decide(staff, call, items[1], "winner", 40_000_01)
    assert over.status_code == 422
    assert over.json()["code"] == "budget_exceeded"
    assert over.json()["available_cents"] == 40_000_00
    assert not await Decision.exists().where(Decision.submission == items[1]["id"])
    # raising the existing award past the budget is refused too; lowering then giving the rest works
    assert (await decide(staff, call, items[1], "winner", 40_000_00)).status_code == 200
    assert (await decide(staff, call, items[1], "winner", 40_000_01)).json()[
        "code"
    ] == "budget_exceeded"
    row = (
        await Decision.select(Decision.award_cents)
        .where(Decision.submission == items[0]["id"])
        .first()
    )
    assert row["award_cents"] == 60_000_00


async def test_concurrent_decisions_never_exceed_the_budget(app, staff):
    call, items, _ = await judged_call(entries=4, budget=100_000_00)
    responses = await asyncio.gather(
        *(decide(staff, call, item, "winner", 40_000_00) for item in items)
    )
    assert sorted(r.status_code for r in responses) == [200, 200, 422, 422]
    total = sum(
        d["award_cents"]
        for d in await Decision.select(Decision.award_cents).where(Decision.call == call["id"])
    )
    assert total == 80_000_00


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"outcome": "champion"}, "outcome"),
        ({"outcome": "shortlisted", "award_cents": 100}, "award_cents"),
        ({"outcome": "winner", "award_cents": -5}, "award_cents"),
        ({"outcome": "winner", "award_cents": 60_000_01}, "award_cents"),
        ({"outcome": "winner", "award_cents": 100, "rationale": "  "}, "rationale"),
    ],
)
async def test_invalid_decisions_answer_422_with_the_field(app, staff, payload, field):
    call, items, _ = await judged_call(entries=1)
    body = {"submission_id": str(items[0]["id"]), "rationale": "Gut", **payload}
    response = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/decisions", body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not await Decision.exists().where(Decision.submission == items[0]["id"])


async def test_only_submitted_entries_of_the_call_can_be_decided(app, staff):
    call, items, _ = await judged_call(entries=1)
    await Submission.update({Submission.status: "withdrawn"}).where(Submission.id == items[0]["id"])
    assert (await decide(staff, call, items[0], "not_selected")).json()["code"] == "not_submitted"
    other, other_items, _ = await judged_call(entries=1)
    assert (await decide(staff, call, other_items[0], "not_selected")).status_code == 404


async def test_only_staff_decide(app, staff, client):
    call, items, _ = await judged_call(entries=1)
    applicant = await make_user()
    await login(client, applicant["email"])
    response = await api(
        client,
        "POST",
        f"/api/v1/calls/{call['slug']}/decisions",
        {
            "submission_id": str(items[0]["id"]),
            "outcome": "winner",
            "award_cents": 1,
            "rationale": "x",
        },
    )
    assert response.status_code == 403


async def test_publishing_mails_every_applicant_in_their_language_and_shows_winners(
    app, staff, settings, deliver_mail, client
):
    call, items, jury = await judged_call(entries=3)
    assert (await client.get(f"/api/v1/calls/{call['slug']}/results")).status_code == 404
    await decide(staff, call, items[0], "winner", 50_000_00)
    await decide(staff, call, items[1], "runner_up", 10_000_00)
    refused = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/results/publish")
    assert refused.status_code == 422 and refused.json()["code"] == "decisions_missing"
    assert refused.json()["entries"] == [items[2]["reference"]]
    await decide(staff, call, items[2], "not_selected", rationale="")
    published = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/results/publish")
    assert published.status_code == 200, published.text
    assert published.json()["mails"] == 6  # two members per team
    again = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/results/publish")
    assert again.status_code == 409
    await deliver_mail()
    for item in items:
        [to_owner] = spooled_mails(settings.mail_dir, item["owner"]["email"])
        [to_member] = spooled_mails(settings.mail_dir, item["member"]["email"])
        assert item["reference"] in to_owner["Subject"]
        body = text_of(to_owner)
        if item["locale"] == "en":
            assert "Results of" in to_owner["Subject"]
        else:
            assert "Ergebnisse" in to_owner["Subject"]
        assert "Ergebnisse" in to_member["Subject"]  # the second member reads German
        # the shareable comment is there, unshared ones and jurors' names are not
        index = items.index(item)
        assert f"Kommentar von Juror 0 zu {index}" in body
        assert f"Kommentar von Juror 1 zu {index}" not in body
        assert all(j["name"] not in body and j["email"] not in body for j in jury)
    assert "50.000,00" in text_of(spooled_mails(settings.mail_dir, items[0]["owner"]["email"])[0])
    assert "€10,000.00" in text_of(spooled_mails(settings.mail_dir, items[1]["owner"]["email"])[0])
    # decisions are frozen now
    assert (await decide(staff, call, items[2], "winner", 1)).status_code == 409
    public = await client.get(f"/api/v1/calls/{call['slug']}/results")
    assert public.status_code == 200
    data = public.json()
    assert [a["outcome"] for a in data["awards"]] == ["winner", "runner_up"]
    assert data["awarded_cents"] == 60_000_00
    assert data["awards"][0]["summary"] == "Zusammenfassung 0"  # consented
    assert data["awards"][1]["summary"] == ""  # not consented
    page = await client.get(f"/calls/{call['slug']}/results")
    assert page.status_code == 200 and "Projekt 0" in page.text and "Projekt 2" not in page.text
    for item in items:
        assert item["owner"]["email"] not in page.text and item["owner"]["name"] not in page.text
        assert (
            item["owner"]["email"] not in public.text and item["owner"]["name"] not in public.text
        )
    assert (await Call.select(Call.status).where(Call.id == call["id"]).first())[
        "status"
    ] == "results_published"
    assert "/results" in (await client.get(f"/calls/{call['slug']}")).text
    # the team sees its result, the shared comment and its award letters on its proposal
    await login(client, items[0]["owner"]["email"])
    own = await client.get(f"/submissions/{items[0]['id']}")
    assert "Gewinner" in own.text and "Kommentar von Juror 0 zu 0" in own.text
    assert f"/api/v1/submissions/{items[0]['id']}/award-letter.pdf?lang=en" in own.text
    assert "Kommentar von Juror 1 zu 0" not in own.text


async def test_student_team_without_consent_is_published_anonymously(app, staff, client):
    call, items, _ = await judged_call(entries=2)
    from challenge.organisations.tables import Organisation

    await Organisation.update({Organisation.kind: "student_team"}).where(
        Organisation.id == items[1]["team"]["id"]
    )
    await decide(staff, call, items[0], "winner", 10_000_00)
    await decide(staff, call, items[1], "winner", 10_000_00)
    assert (
        await api(staff, "POST", f"/api/v1/calls/{call['slug']}/results/publish")
    ).status_code == 200
    data = (await client.get(f"/api/v1/calls/{call['slug']}/results")).json()
    names = {a["title"]: a["organisation"] for a in data["awards"]}
    assert names["Projekt 0"] == "Team 0"
    assert names["Projekt 1"] == "Anonymes studentisches Team"
    assert [a["anonymous"] for a in data["awards"] if a["title"] == "Projekt 1"] == [True]
    page = await client.get(f"/calls/{call['slug']}/results", headers={"accept-language": "de"})
    assert "Anonymes studentisches Team" in page.text and "Team 1" not in page.text


async def test_scores_csv_and_xlsx_match_the_ranking_api(app, staff):
    call, items, jury = await judged_call(entries=4, jurors=3)
    ranking = (await staff.get(f"/api/v1/calls/{call['slug']}/ranking")).json()
    csv_response = await staff.get(f"/api/v1/calls/{call['slug']}/scores.csv")
    assert csv_response.status_code == 200 and csv_response.headers["content-type"].startswith(
        "text/csv"
    )
    rows = list(
        csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig")), delimiter=";")
    )
    assert len(rows) == 12 and set(rows[0]) == {
        "reference",
        "title",
        "juror",
        "impact",
        "team",
        "total",
    }
    assert {r["juror"] for r in rows} == {j["name"] for j in jury}
    xlsx = await staff.get(f"/api/v1/calls/{call['slug']}/scores.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Ranking", "Reviews", "Jurors", "Criteria"]
    sheet = book["Ranking"]
    header = [c.value for c in sheet[1]]
    scores = {
        row[header.index("reference")]: row[header.index("score_mean")]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    api_scores = {e["reference"]: e["score"] for e in ranking["entries"]}
    assert scores == pytest.approx(api_scores)
    assert sum(scores.values()) == pytest.approx(sum(api_scores.values()))
    reviews = book["Reviews"]
    totals = [row[-1] for row in reviews.iter_rows(min_row=2, values_only=True)]
    assert sum(totals) == pytest.approx(sum(float(r["total"]) for r in rows))
    for item in items:  # each entry's mean of the review totals is its API score
        mine = [float(r["total"]) for r in rows if r["reference"] == item["reference"]]
        assert sum(mine) / len(mine) == pytest.approx(api_scores[item["reference"]], abs=0.01)


async def test_exports_neutralise_spreadsheet_formulas(app, staff):
    call, items, _ = await judged_call(entries=2)
    await Submission.update({Submission.title: '=HYPERLINK("http://evil")'}).where(
        Submission.id == items[0]["id"]
    )
    rows = (await staff.get(f"/api/v1/calls/{call['slug']}/scores.csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in rows
    book = openpyxl.load_workbook(
        io.BytesIO((await staff.get(f"/api/v1/calls/{call['slug']}/scores.xlsx")).content)
    )
    titles = [row[1] for row in book["Reviews"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in titles


async def test_jury_report_pdf_has_ranking_reliability_and_decisions(app, staff):
    call, items, _ = await judged_call(entries=3)
    await decide(staff, call, items[0], "winner", 30_000_00, rationale="Begründung-Marker-XYZ")
    response = await staff.get(f"/api/v1/calls/{call['slug']}/jury-report.pdf?lang=de")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert (
        "Jurybericht" in text and "Begründung-Marker-XYZ" in text and items[0]["reference"] in text
    )
    assert "Krippendorff" in text
    again = await staff.get(f"/api/v1/calls/{call['slug']}/jury-report.pdf?lang=de")
    assert again.content == response.content  # nothing changed: the same issued report
    await decide(staff, call, items[1], "runner_up", 1_000_00, rationale="Zweiter")
    changed = await staff.get(f"/api/v1/calls/{call['slug']}/jury-report.pdf?lang=de")
    assert changed.content != response.content


async def test_certificates_job_issues_german_and_english_certificates_with_progress(
    app, staff, settings, client
):
    call, items, _ = await judged_call(entries=3)
    await decide(staff, call, items[0], "winner", 30_000_00)
    await decide(staff, call, items[1], "runner_up", 10_000_00)
    await decide(staff, call, items[2], "not_selected", rationale="")
    started = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/certificates")
    assert started.status_code == 202
    job_id = started.json()["id"]
    twice = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/certificates")
    assert twice.json()["id"] == job_id  # one active job per call
    while await jobs.run_one(settings):  # other tests may have left jobs of their own
        pass
    status = (await staff.get(f"/api/v1/jobs/{job_id}")).json()
    assert status["status"] == "done" and status["done"] == status["total"] == 4
    listing = (await staff.get(f"/api/v1/calls/{call['slug']}/certificates")).json()
    files = {d["filename"]: d["id"] for c in listing["certificates"] for d in c["documents"]}
    assert sorted(files) == sorted(
        [
            f"Urkunde-{items[0]['reference']}-de.pdf",
            f"Certificate-{items[0]['reference']}-en.pdf",
            f"Urkunde-{items[1]['reference']}-de.pdf",
            f"Certificate-{items[1]['reference']}-en.pdf",
        ]
    )
    ref0, ref1 = items[0]["reference"], items[1]["reference"]
    pdf = await staff.get(f"/api/v1/documents/{files[f'Certificate-{ref0}-en.pdf']}")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Certificate" in text and "Projekt 0" in text and "is a winner of the call" in text, text
    # the team reads its own certificate, another applicant does not
    await login(client, items[0]["owner"]["email"])
    assert (
        await client.get(f"/api/v1/documents/{files[f'Urkunde-{ref0}-de.pdf']}")
    ).status_code == 200
    assert (
        await client.get(f"/api/v1/documents/{files[f'Urkunde-{ref1}-de.pdf']}")
    ).status_code == 404
    # running again issues nothing new
    again = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/certificates")
    assert again.json()["id"] != job_id
    while await jobs.run_one(settings):
        pass
    assert (await staff.get(f"/api/v1/jobs/{again.json()['id']}")).json()["status"] == "done"
    listing_again = (await staff.get(f"/api/v1/calls/{call['slug']}/certificates")).json()
    assert {d["id"] for c in listing_again["certificates"] for d in c["documents"]} == set(
        files.values()
    )


async def test_award_letter_for_the_team_in_its_language_after_publishing(app, staff, client):
    call, items, jury = await judged_call(entries=2)
    await decide(staff, call, items[1], "winner", 25_000_00, rationale="Stark im Nutzen")
    await decide(staff, call, items[0], "not_selected", rationale="")
    url = f"/api/v1/submissions/{items[1]['id']}/award-letter.pdf"
    assert (await staff.get(url)).status_code == 409
    await api(staff, "POST", f"/api/v1/calls/{call['slug']}/results/publish")
    await login(client, items[1]["owner"]["email"])
    letter = await client.get(url + "?lang=en")
    assert letter.status_code == 200
    text = PdfReader(io.BytesIO(letter.content)).pages[0].extract_text()
    assert "Award letter" in text and "€25,000.00" in text
    assert (
        await client.get(f"/api/v1/submissions/{items[0]['id']}/award-letter.pdf")
    ).status_code == 404
    other = http_client(app)
    async with other:
        await login(other, items[0]["owner"]["email"])
        assert (await other.get(url)).status_code == 404
        juror = await make_user()
        await login(other, juror["email"])
        assert (await other.get(url)).status_code == 404


async def test_staff_pages_rank_decide_shortlist_and_publish(app, staff):
    call, items, _ = await judged_call(entries=4, jurors=3)
    await api(
        staff,
        "POST",
        f"/api/v1/calls/{call['slug']}/rounds",
        {"number": 2, "name": "Finale", "criteria": CRITERIA},
    )
    page = await staff.get(f"/staff/calls/{call['slug']}/results?method=normalized")
    assert page.status_code == 200
    assert "<svg" in page.text and "Rangintervalle" in page.text and "Krippendorff" in page.text
    assert items[0]["reference"] in page.text
    # decide through the form: German amount, error on a bad one with nothing stored
    bad = await post_form(
        staff,
        f"/staff/calls/{call['slug']}/results/decide/{items[0]['id']}",
        {"outcome": "winner", "award": "viel", "rationale": "Gut"},
    )
    assert bad.status_code == 422 and "Geben Sie die Prämie in Euro an" in bad.text
    assert not await Decision.exists().where(Decision.submission == items[0]["id"])
    good = await post_form(
        staff,
        f"/staff/calls/{call['slug']}/results/decide/{items[0]['id']}",
        {"outcome": "winner", "award": "40.000,50", "rationale": "Gut"},
        follow_redirects=False,
    )
    assert good.status_code == 303
    row = (
        await Decision.select(Decision.award_cents)
        .where(Decision.submission == items[0]["id"])
        .first()
    )
    assert row["award_cents"] == 40_000_50
    over = await post_form(
        staff,
        f"/staff/calls/{call['slug']}/results/decide/{items[1]['id']}",
        {"outcome": "winner", "award": "60000", "rationale": "Gut"},
    )
    assert over.status_code == 422 and "Budget" in over.text
    # shortlist the best two into round 2
    shortlisted = await post_form(
        staff,
        f"/staff/calls/{call['slug']}/results/shortlist",
        {"target": "2", "top": "2", "round": "1", "method": "mean"},
    )
    assert shortlisted.status_code == 200
    entries = {r["submission"] for r in await RoundEntry.select(RoundEntry.submission)}
    assert {items[0]["id"], items[1]["id"]} <= entries and items[3]["id"] not in entries
    # the rest as not selected, then publish through the confirmation page
    assert (
        await post_form(staff, f"/staff/calls/{call['slug']}/results/rest-not-selected", {})
    ).status_code == 200
    assert await Decision.count().where(Decision.call == call["id"]) == 4
    confirm = await staff.get(f"/staff/calls/{call['slug']}/results/publish")
    assert "nicht rückgängig" in confirm.text
    done = await post_form(
        staff, f"/staff/calls/{call['slug']}/results/publish", {}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == f"/calls/{call['slug']}/results"


async def test_ranking_page_empty_state(app, staff):
    call = await make_call()
    page = await staff.get(f"/staff/calls/{call['slug']}/results")
    assert page.status_code == 200 and "Noch keine abgeschlossenen Bewertungen" in page.text
