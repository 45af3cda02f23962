"""The score exports (issue 25): scores.csv computes no ranking and streams the reviews sorted
by reference and juror; scores.xlsx takes the cached rankings and keeps its sheets' form (bold
frozen header, autofilter, text that looks like a formula neutralised)."""

import csv
import io

import openpyxl

from challenge.jury.tables import Review
from challenge.platform.accounts.tables import User
from challenge.results import cache
from tests.challenge.results.test_results import judged_call, staff  # noqa: F401


async def test_scores_csv_computes_no_ranking_and_sorts_by_reference_and_juror(app, staff):  # noqa: F811
    call, items, jury = await judged_call(entries=3, jurors=3)
    await User.update({User.name: "=Ärger"}).where(User.id == jury[0]["id"])
    before = cache.computations
    response = await staff.get(f"/api/v1/calls/{call['slug']}/scores.csv")
    assert response.status_code == 200 and cache.computations == before
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "reference;title;juror;impact;team;total"
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert len(rows) == 9
    assert [(r[0], r[2]) for r in rows] == sorted((r[0], r[2]) for r in rows)
    assert "'=Ärger" in {r[2] for r in rows}  # a formula-like name neutralised
    first = next(r for r in rows if r[0] == items[0]["reference"] and r[2] == "'=Ärger")
    assert first[3:] == ["10.0", "3.0", "83.33"]


async def test_scores_xlsx_uses_the_cached_rankings_and_keeps_its_form(app, staff):  # noqa: F811
    call, items, _ = await judged_call(entries=3, jurors=3)
    slug = call["slug"]
    assert (await staff.get(f"/staff/calls/{slug}/results")).status_code == 200
    before = cache.computations
    response = await staff.get(f"/api/v1/calls/{slug}/scores.xlsx")
    assert response.status_code == 200 and cache.computations == before
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Ranking", "Reviews", "Jurors", "Criteria"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.b
        assert sheet.auto_filter.ref.startswith("A1:")
    ranking = book["Ranking"]
    assert ranking.auto_filter.ref == "A1:M4"  # 13 columns, 3 entries
    assert [c.value for c in ranking[2]][:3] == [1, items[0]["reference"], "Projekt 0"]
    reviews = list(book["Reviews"].iter_rows(min_row=2, values_only=True))
    assert len(reviews) == 9 and all(isinstance(r[-1], float) for r in reviews)
    jurors = list(book["Jurors"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in jurors] == [3, 3, 3]
    criteria = {r[0]: r for r in book["Criteria"].iter_rows(min_row=2, values_only=True)}
    assert criteria["team"][5] == 3  # every review scored the team 3
    # a review changes: the next export recomputes the rankings it writes, once
    await Review.update({Review.scores: {"impact": 0, "team": 1}}).where(
        Review.submission == items[0]["id"]
    )
    response = await staff.get(f"/api/v1/calls/{slug}/scores.xlsx")
    assert cache.computations == before + 2  # mean and normalised
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    last = list(book["Ranking"].iter_rows(min_row=2, values_only=True))[-1]
    assert last[1] == items[0]["reference"] and last[3] == 0
