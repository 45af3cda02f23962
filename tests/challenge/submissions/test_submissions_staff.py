"""Staff views of proposals: filtered list, versions with changes, CSV, XLSX and the ZIP."""

import csv
import io
import zipfile

import openpyxl
import pytest

from tests.challenge.submissions.test_submissions import COMPLETE, draft, open_call
from tests.conftest import http_client
from tests.support.factories import make_team
from tests.support.files import multipart, pdf
from tests.support.web import api, csrf, login, make_user


async def submitted_proposal(app, call, *, title, team_name, kind="startup", files=()):
    async with http_client(app) as client:
        user = await make_user()
        await login(client, user["email"])
        client.team = await make_team(user["id"], name=team_name, kind=kind)
        sub = await draft(client, call, **{**COMPLETE, "title": title})
        for name, content in files:
            body, content_type = multipart(name, content)
            await client.post(
                f"/api/v1/submissions/{sub['id']}/documents",
                content=body,
                headers={"content-type": content_type, "x-csrftoken": await csrf(client)},
            )
        response = await api(client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
        assert response.status_code == 200, response.text
        sub = response.json()
        await api(
            client,
            "PATCH",
            f"/api/v1/submissions/{sub['id']}",
            {"version": sub["version"], "summary": "Neu gefasst"},
        )
        await api(client, "POST", f"/api/v1/submissions/{sub['id']}/submit", {})
        return sub


@pytest.fixture
async def staff_client(client):
    staff = await make_user(roles=("staff",))
    await login(client, staff["email"])
    return client


async def test_staff_list_filters_searches_and_shows_changes(app, staff_client):
    call = await open_call()
    first = await submitted_proposal(
        app, call, title="Schattendach", team_name="Alpha", kind="startup"
    )
    await submitted_proposal(
        app, call, title="Regentonne digital", team_name="Beta", kind="student_team"
    )
    page = await staff_client.get(
        f"/staff/calls/{call['slug']}/submissions", params={"q": "schatten"}
    )
    assert "Schattendach" in page.text and "Regentonne" not in page.text
    page = await staff_client.get(
        f"/staff/calls/{call['slug']}/submissions", params={"kind": "student_team"}
    )
    assert "Regentonne" in page.text and "Schattendach" not in page.text
    api_list = (
        await staff_client.get(
            f"/api/v1/calls/{call['slug']}/submissions", params={"sort": "title"}
        )
    ).json()
    assert [item["title"] for item in api_list["items"]] == ["Regentonne digital", "Schattendach"]
    detail = await staff_client.get(f"/staff/submissions/{first['id']}")
    assert (
        "Fassung 2" in detail.text
        and "<del>Wir planen Schatten.</del>" in detail.text
        and "<ins>Neu gefasst</ins>" in detail.text
    )


async def test_a_percent_sign_or_underscore_in_the_search_is_searched_for(app, staff_client):
    call = await open_call()
    await submitted_proposal(app, call, title="Schatten zu 100%", team_name="Alpha")
    await submitted_proposal(app, call, title="Regentonne digital", team_name="Beta")
    for q, expected in (("%", {"Schatten zu 100%"}), ("_", set()), ("\\", set())):
        page = await staff_client.get(f"/staff/calls/{call['slug']}/submissions", params={"q": q})
        assert page.status_code == 200
        shown = {t for t in ("Schatten zu 100%", "Regentonne digital") if t in page.text}
        assert shown == expected, (q, shown)


async def test_csv_and_xlsx_exports_match(app, staff_client):
    call = await open_call()
    await submitted_proposal(app, call, title='=HYPERLINK("http://evil")', team_name="Gamma")
    await submitted_proposal(app, call, title="Kühle Wege", team_name="Delta")
    response = await staff_client.get(f"/api/v1/calls/{call['slug']}/submissions.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["reference", "title", "team"] and "problem" in rows[0]
    titles = {row[1] for row in rows[1:]}
    assert (
        "Kühle Wege" in titles and '\'=HYPERLINK("http://evil")' in titles
    )  # no formula injection
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            (await staff_client.get(f"/api/v1/calls/{call['slug']}/submissions.xlsx")).content
        )
    )
    sheet = workbook.active
    xlsx_rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(xlsx_rows) == len(rows)
    assert {r[1] for r in xlsx_rows[1:]} == {"Kühle Wege", '=HYPERLINK("http://evil")'}
    assert sheet.cell(row=2, column=2).data_type == "s"  # a string, not a formula


async def test_attachments_zip_streams_every_file(app, staff_client):
    call = await open_call()
    a, b = pdf("eins"), pdf("zwei")
    first = await submitted_proposal(
        app, call, title="Eins", team_name="Epsilon", files=[("Konzept.pdf", a)]
    )
    second = await submitted_proposal(
        app, call, title="Zwei", team_name="Zeta", files=[("Konzept.pdf", b)]
    )
    response = await staff_client.get(f"/api/v1/calls/{call['slug']}/attachments.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    assert archive.read(f"{first['reference']}/Konzept.pdf") == a
    assert archive.read(f"{second['reference']}/Konzept.pdf") == b


async def test_applicants_cannot_export(client):
    user = await make_user()
    await login(client, user["email"])
    assert (
        await client.get("/api/v1/calls/klimaanpassung-im-quartier/submissions.csv")
    ).status_code == 403
    assert (
        await client.get("/staff/calls/klimaanpassung-im-quartier/submissions")
    ).status_code == 403


async def test_staff_grant_an_extension_on_the_page(app, staff_client):
    from challenge.submissions.tables import DeadlineExtension
    from tests.support.web import post_form

    call = await open_call()
    sub = await submitted_proposal(app, call, title="Spät dran", team_name="Eta")
    refused = await post_form(
        staff_client,
        f"/staff/submissions/{sub['id']}/extension",
        {"closes_at": "2020-01-01T12:00", "reason": "Krankheit im Team"},
    )
    assert refused.status_code == 422 and "nach der Frist" in refused.text
    granted = await post_form(
        staff_client,
        f"/staff/submissions/{sub['id']}/extension",
        {"closes_at": "2099-01-01T12:00", "reason": "Krankheit im Team"},
        follow_redirects=False,
    )
    assert granted.status_code == 303
    assert await DeadlineExtension.exists().where(DeadlineExtension.reason == "Krankheit im Team")


async def test_call_page_shows_faq_and_document_rules(client):
    from tests.support.factories import make_call

    call = await make_call(
        faq=[{"question": "Dürfen Vereine mitmachen?", "answer": "Ja, gern."}],
        document_rules={
            "max_files": 4,
            "max_bytes": 10 * 1024 * 1024,
            "allowed_types": ["application/pdf", "image/png"],
        },
    )
    page = await client.get(f"/calls/{call['slug']}")
    assert "Dürfen Vereine mitmachen?" in page.text and "Ja, gern." in page.text
    # sizes in the reader's language and decimal units, as browsers and file managers show them
    assert "Bis zu 4 Dateien, je höchstens 10,5\u00a0MB." in page.text and "PDF, PNG" in page.text
