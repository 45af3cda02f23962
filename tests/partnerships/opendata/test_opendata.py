"""Open data: OCDS release and record packages validate offline against the official 1.1.5
schemas, codelists are closed, only signed partnerships appear, nothing personal is public,
and the ETag answers 304 while nothing changed."""

import csv
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from partnerships.opendata import cache, projects
from tests.conftest import http_client
from tests.partnerships.conftest import awarded_entry, plan, running, upload
from tests.support.files import pdf
from tests.support.web import api, login

STANDARDS = Path(__file__).parents[2] / "support" / "standards" / "ocds-1.1.5"


@pytest.fixture(autouse=True)
def look_every_time(monkeypatch):
    """These tests change data and read the package at once; the one-second window has its own test."""
    monkeypatch.setattr(cache, "RECHECK_SECONDS", 0)


def validator(name: str) -> Draft4Validator:
    schemas = {p.name: json.loads(p.read_text()) for p in STANDARDS.glob("*.json")}
    resources = [
        (n, Resource.from_contents(s, default_specification=DRAFT4)) for n, s in schemas.items()
    ]
    resources += [
        (s["id"], Resource.from_contents(s, default_specification=DRAFT4))
        for s in schemas.values()
        if "id" in s
    ]
    return Draft4Validator(schemas[name], registry=Registry().with_resources(resources))


def codelist(name: str) -> set[str]:
    with open(STANDARDS / "codelists" / name, encoding="utf-8") as handle:
        return {row["Code"] for row in csv.DictReader(handle)}


async def approve(clients, milestone_id):
    for name in ("staff", "staff2"):
        response = await api(
            clients[name],
            "POST",
            f"/api/v1/milestones/{milestone_id}/reviews",
            {"decision": "approve"},
        )
        assert response.status_code == 200, response.text


async def busy_partnership(app, clients):
    """Signed, one milestone met and paid, one amendment."""
    entry, partnership, partner = await running(app, clients)
    first, second = partnership["milestones"]
    await upload(
        partner, f"/api/v1/milestones/{first['id']}/evidence", pdf(), filename="bericht.pdf"
    )
    await approve(clients, first["id"])
    paid = await api(
        clients["finance"],
        "POST",
        f"/api/v1/milestones/{first['id']}/payments",
        {"amount_cents": first["amount_cents"], "paid_on": "2027-03-10", "reference": "K-1"},
    )
    assert paid.status_code == 201
    amended = await api(
        clients["staff"],
        "POST",
        f"/api/v1/partnerships/{partnership['id']}/amendments",
        {
            "rationale": "Lieferverzug",
            "milestones": [{"id": second["id"], "due_date": "2027-09-01"}],
        },
    )
    assert amended.status_code == 201, amended.text
    await partner.__aexit__(None, None, None)
    return entry, partnership


async def test_packages_validate_against_the_official_schemas_with_closed_codelists(app, clients):
    entry, partnership = await busy_partnership(app, clients)
    client = http_client(app)
    release_package = (await client.get("/api/v1/opendata/ocds/release-package.json")).json()
    record_package = (await client.get("/api/v1/opendata/ocds/record-package.json")).json()
    validator("release-package-schema.json").validate(release_package)
    validator("record-package-schema.json").validate(record_package)
    mine = [r for r in release_package["releases"] if r["ocid"] == partnership["ocid"]]
    assert [r["tag"][0] for r in mine] == [
        "award",
        "contract",
        "implementation",
        "implementation",
        "contractAmendment",
    ]
    assert len({r["id"] for r in release_package["releases"]}) == len(release_package["releases"])
    tags, roles = codelist("releaseTag.csv"), codelist("partyRole.csv")
    milestone_states, contract_states = (
        codelist("milestoneStatus.csv"),
        codelist("contractStatus.csv"),
    )
    for release in release_package["releases"] + [
        r["compiledRelease"] for r in record_package["records"]
    ]:
        assert set(release["tag"]) <= tags
        for party in release.get("parties", []):
            assert set(party["roles"]) <= roles
        for contract in release.get("contracts", []):
            assert contract.get("status", "active") in contract_states
            for milestone in contract.get("implementation", {}).get("milestones", []):
                assert milestone["status"] in milestone_states
    implementation = mine[3]["contracts"][0]["implementation"]  # after the payment
    assert [m["status"] for m in implementation["milestones"]] == ["met", "scheduled"]
    assert implementation["transactions"][0]["value"] == {"amount": 20000.0, "currency": "EUR"}
    [record] = [r for r in record_package["records"] if r["ocid"] == partnership["ocid"]]
    compiled = record["compiledRelease"]["contracts"][0]
    assert compiled["amendments"][0]["rationale"] == "Lieferverzug" and compiled["dateSigned"]
    assert release_package["license"] == "https://www.govdata.de/dl-de/by-2-0"
    assert release_package["publisher"]["name"] == "Stadt Leipzig"


async def test_only_signed_partnerships_are_published_and_releases_never_change(app, clients):
    entry, partnership = await busy_partnership(app, clients)
    draft_entry, sent_entry = await awarded_entry(), await awarded_entry()
    draft = (
        await api(
            clients["staff"], "POST", "/api/v1/partnerships", plan(draft_entry["submission_id"])
        )
    ).json()
    sent = (
        await api(
            clients["staff"], "POST", "/api/v1/partnerships", plan(sent_entry["submission_id"])
        )
    ).json()
    await api(clients["staff"], "POST", f"/api/v1/partnerships/{sent['id']}/send")
    client = http_client(app)
    before = (await client.get("/api/v1/opendata/ocds/release-package.json")).json()
    ocids = {r["ocid"] for r in before["releases"]}
    assert partnership["ocid"] in ocids and draft["ocid"] not in ocids and sent["ocid"] not in ocids
    assert (await client.get(f"/projects/{draft['id']}")).status_code == 404
    assert (await client.get(f"/projects/{sent['id']}")).status_code == 404
    # a new payment adds a release; every earlier release stays byte-identical
    second = partnership["milestones"][1]
    partner = http_client(app)
    async with partner:
        await login(partner, entry["owner"]["email"])
        await upload(
            partner, f"/api/v1/milestones/{second['id']}/evidence", pdf(), filename="b.pdf"
        )
    await approve(clients, second["id"])
    after = (await client.get("/api/v1/opendata/ocds/release-package.json")).json()
    old = {r["id"]: r for r in before["releases"]}
    for release in after["releases"]:
        if release["id"] in old:
            assert release == old[release["id"]]
    assert len(after["releases"]) >= len(before["releases"])


async def test_etag_round_trip_answers_304_until_something_changes(app, clients):
    entry, partnership = await busy_partnership(app, clients)
    client = http_client(app)
    first = await client.get("/api/v1/opendata/ocds/release-package.json")
    etag = first.headers["etag"]
    again = await client.get(
        "/api/v1/opendata/ocds/release-package.json", headers={"if-none-match": etag}
    )
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    await api(
        clients["staff"],
        "POST",
        f"/api/v1/partnerships/{partnership['id']}/terminate",
        {"reason": "Ende"},
    )
    changed = await client.get(
        "/api/v1/opendata/ocds/release-package.json", headers={"if-none-match": etag}
    )
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert any(
        r["tag"] == ["contractTermination"]
        for r in changed.json()["releases"]
        if r["ocid"] == partnership["ocid"]
    )
    record = await client.get("/api/v1/opendata/ocds/record-package.json")
    assert (
        await client.get(
            "/api/v1/opendata/ocds/record-package.json",
            headers={"if-none-match": record.headers["etag"]},
        )
    ).status_code == 304


async def test_no_personal_data_in_any_public_response(app, clients):
    entry, partnership = await busy_partnership(app, clients)
    secret_team = await awarded_entry(kind="student_team", consent=False)
    created = (
        await api(
            clients["staff"], "POST", "/api/v1/partnerships", plan(secret_team["submission_id"])
        )
    ).json()
    await api(clients["staff"], "POST", f"/api/v1/partnerships/{created['id']}/send")
    partner = http_client(app)
    async with partner:
        await login(partner, secret_team["owner"]["email"])
        await upload(partner, f"/api/v1/partnerships/{created['id']}/signed", pdf())
    markers = (
        [
            entry["owner"]["email"],
            entry["owner"]["name"],
            secret_team["owner"]["email"],
            secret_team["owner"]["name"],
            secret_team["team"]["name"],
        ]
        + [c.user["email"] for c in clients.values()]
        + [c.user["name"] for c in clients.values()]
    )
    client = http_client(app)
    urls = [
        "/api/v1/opendata/ocds/release-package.json",
        "/api/v1/opendata/ocds/record-package.json",
        "/api/v1/opendata/projects.csv",
        "/api/v1/opendata/payments.csv",
        "/projects",
        "/opendata",
        f"/projects/{partnership['id']}",
        f"/projects/{created['id']}",
        f"/calls/{secret_team['call']['slug']}/results",
        f"/api/v1/calls/{secret_team['call']['slug']}/results",
    ]
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, url
        for marker in markers:
            assert marker not in response.text, (url, marker)
    page = await client.get(f"/projects/{created['id']}")
    assert "Anonymes studentisches Team" in page.text
    assert (
        entry["team"]["name"] in (await client.get("/api/v1/opendata/projects.csv")).text
    )  # a company is named


async def test_projects_pages_and_csv_show_progress_and_payments(app, clients):
    entry, partnership = await busy_partnership(app, clients)
    client = http_client(app)
    listing = await client.get("/projects")
    assert (
        partnership["milestones"][0]["title"] not in listing.text
    )  # the list shows projects, the page milestones
    assert 'value="33"' in listing.text  # 20,000 of 60,000 met
    page = await client.get(f"/projects/{partnership['id']}")
    assert "20.000,00" in page.text and partnership["milestones"][0]["title"] in page.text
    rows = list(
        csv.DictReader(
            io.StringIO(
                (await client.get("/api/v1/opendata/payments.csv")).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert [
        r["amount_eur"]
        for r in rows
        if r["project"] == partnership["title"]
        and r["reference"].endswith(partnership["ocid"].rsplit("-SCC-", 1)[1])
    ] == ["20000.00"]
    assert projects.LICENCE_NAME in (await client.get("/opendata")).text


async def test_within_a_second_the_package_is_served_without_a_look_at_the_database(
    app, clients, monkeypatch
):
    entry, partnership = await busy_partnership(app, clients)
    monkeypatch.setattr(cache, "RECHECK_SECONDS", 1.0)
    seconds = [1000.0]
    monkeypatch.setattr(cache, "monotonic", lambda: seconds[0])
    client = http_client(app)
    etag = (await client.get("/api/v1/opendata/ocds/release-package.json")).headers["etag"]
    await api(
        clients["staff"],
        "POST",
        f"/api/v1/partnerships/{partnership['id']}/terminate",
        {"reason": "Ende"},
    )
    soon = await client.get(
        "/api/v1/opendata/ocds/release-package.json", headers={"if-none-match": etag}
    )
    assert soon.status_code == 304  # pollers are told max-age=60 anyway
    seconds[0] += 1.05  # the recheck window passes without sleeping
    later = await client.get(
        "/api/v1/opendata/ocds/release-package.json", headers={"if-none-match": etag}
    )
    assert later.status_code == 200 and later.headers["etag"] != etag
