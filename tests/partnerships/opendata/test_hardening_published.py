"""Published data does not change when a partner renames its organisation: OCDS releases keep the
name they were published with (a rename is a new release), published results and the payment
CSV keep the name as published; the compiled record and the project pages show the new name."""

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from challenge.calls.tables import Call
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.contracts.documents import releases_for_document
from partnerships.contracts.services import get
from partnerships.opendata import cache
from tests.conftest import http_client
from tests.partnerships.conftest import role_client
from tests.partnerships.opendata.test_opendata import busy_partnership, codelist, validator
from tests.support.factories import make_call, make_team
from tests.support.web import api, login, make_user

RELEASES, RECORDS = (
    "/api/v1/opendata/ocds/release-package.json",
    "/api/v1/opendata/ocds/record-package.json",
)


@pytest.fixture(autouse=True)
def look_every_time(monkeypatch):
    monkeypatch.setattr(cache, "RECHECK_SECONDS", 0)


async def rename(app, entry, name):
    owner = http_client(app)
    async with owner:
        await login(owner, entry["owner"]["email"])
        response = await api(
            owner, "PATCH", f"/api/v1/organisations/{entry['team']['id']}", {"name": name}
        )
        assert response.status_code == 200, response.text


def payments_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


async def test_a_rename_is_a_new_release_and_every_published_release_stays_byte_identical(
    app, clients
):
    entry, partnership = await busy_partnership(app, clients)
    old_name = entry["team"]["name"]
    client = http_client(app)
    before = (await client.get(RELEASES)).json()
    mine_before = {r["id"]: r for r in before["releases"] if r["ocid"] == partnership["ocid"]}
    assert {
        p["name"]
        for r in mine_before.values()
        for p in r.get("parties", [])
        if "supplier" in p["roles"]
    } == {old_name}

    await rename(app, entry, "Umbenannt & Co. GmbH")
    after_response = await client.get(RELEASES)
    after = after_response.json()
    validator("release-package-schema.json").validate(after)
    mine_after = [r for r in after["releases"] if r["ocid"] == partnership["ocid"]]
    for release in mine_after:
        if release["id"] in mine_before:  # byte-identical: same content, same encoding
            assert msgspec.json.encode(release) == msgspec.json.encode(mine_before[release["id"]])
    new = [r for r in mine_after if r["id"] not in mine_before]
    assert len(new) == 1 and set(mine_before) <= {r["id"] for r in mine_after}
    [update] = new
    assert update["tag"] == ["awardUpdate"] and set(update["tag"]) <= codelist("releaseTag.csv")
    assert update["date"] >= max(r["date"] for r in mine_before.values())
    assert [p["name"] for p in update["parties"] if "supplier" in p["roles"]] == [
        "Umbenannt & Co. GmbH"
    ]
    assert update["awards"][0]["suppliers"][0]["name"] == "Umbenannt & Co. GmbH"

    records = (await client.get(RECORDS)).json()
    validator("record-package-schema.json").validate(records)
    [record] = [r for r in records["records"] if r["ocid"] == partnership["ocid"]]
    compiled = record["compiledRelease"]
    assert [p["name"] for p in compiled["parties"] if "supplier" in p["roles"]] == [
        "Umbenannt & Co. GmbH"
    ]
    assert compiled["awards"][0]["suppliers"][0]["name"] == "Umbenannt & Co. GmbH"
    assert update["id"] in {r["url"].split("#")[1] for r in record["releases"]}

    # nothing more changes: the next look is byte-identical, and one rename is one release
    again = await client.get(RELEASES)
    assert again.content == after_response.content
    # the payment made before the rename stays with the old name; the project shows the new one
    rows = [
        r
        for r in payments_rows((await client.get("/api/v1/opendata/payments.csv")).content)
        if r["project"] == partnership["title"]
        and r["reference"] == partnership["ocid"].split("-", 2)[2]
    ]
    assert rows and {r["partner"] for r in rows} == {old_name}
    project = await client.get(f"/projects/{partnership['id']}")
    assert "Umbenannt &amp; Co. GmbH" in project.text


async def test_renaming_back_and_again_adds_a_release_each_time_and_the_contract_pdf_agrees(
    app, clients, settings
):
    entry, partnership = await busy_partnership(app, clients)
    client = http_client(app)
    await rename(app, entry, "Zweiter Name GmbH")
    first = (await client.get(RELEASES)).json()
    await rename(app, entry, entry["team"]["name"])
    second = (await client.get(RELEASES)).json()
    updates = [
        r
        for r in second["releases"]
        if r["ocid"] == partnership["ocid"] and r["tag"] == ["awardUpdate"]
    ]
    assert [u["parties"][1]["name"] for u in updates] == [
        "Zweiter Name GmbH",
        entry["team"]["name"],
    ]
    old = {r["id"]: r for r in first["releases"]}
    assert all(r == old[r["id"]] for r in second["releases"] if r["id"] in old)
    # the releases embedded in a contract PDF built now name the partner as the open data does
    embedded = await releases_for_document(await get(partnership["id"]), settings)
    assert [u["parties"][1]["name"] for u in embedded if u["tag"] == ["awardUpdate"]][-1] == entry[
        "team"
    ]["name"]
    assert embedded == [r for r in second["releases"] if r["ocid"] == partnership["ocid"]]


async def test_published_results_keep_the_name_they_were_published_with(app):
    now = datetime.now(UTC)
    call = await make_call(
        status="published",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=20),
        budget_cents=100_000_00,
    )
    call = await Call.select().where(Call.slug == call["slug"]).first()
    owner = await make_user(name="Olga Owner", email=f"owner-{uuid.uuid4().hex[:8]}@example.org")
    team = await make_team(owner["id"], name=f"Erstname {uuid.uuid4().hex[:6]}")
    submission = Submission(
        call=call["id"],
        organisation=team["id"],
        title="Grüne Dächer",
        status="submitted",
        reference=f"R-{uuid.uuid4().hex[:8]}",
        consent_publication=True,
        created_at=now,
    )
    await submission.save()
    await Decision(
        call=call["id"],
        submission=submission.id,
        outcome="winner",
        award_cents=50_000_00,
        created_at=now,
    ).save()
    staff = await role_client(app, "staff")
    try:
        published = await api(staff, "POST", f"/api/v1/calls/{call['slug']}/results/publish")
        assert published.status_code == 200, published.text
    finally:
        await staff.__aexit__(None, None, None)
    await rename(app, {"owner": owner, "team": team}, "Zweitname GmbH")
    client = http_client(app)
    data = (await client.get(f"/api/v1/calls/{call['slug']}/results")).json()
    assert [a["organisation"] for a in data["awards"]] == [team["name"]]
    page = await client.get(f"/calls/{call['slug']}/results", headers={"accept-language": "de"})
    assert team["name"] in page.text and "Zweitname GmbH" not in page.text
