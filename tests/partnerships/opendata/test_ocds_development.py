"""Open data of the development phase (issue 18, points 1 and 6): a team's stipend and its
pilot are one contracting process — one ocid, that of the stipend — with an award and a contract
each; the open-source bonus is its own milestone naming the public repository and licence once
met. The packages stay valid against OCDS 1.1.5 and free of personal data, and the funding
overview lists stipends as their own awards."""

from datetime import UTC, date, datetime, timedelta

import pytest

from challenge import db
from challenge.calls.tables import Call
from challenge.organisations.tables import Membership
from partnerships.contracts import services as contracts
from partnerships.contracts.rules import today as leipzig_today
from partnerships.contracts.schemas import MilestoneIn, PartnershipIn
from partnerships.opendata import cache
from partnerships.tables import Evidence, Milestone
from tests.conftest import http_client
from tests.partnerships.conftest import upload
from tests.partnerships.development.test_stipends import active_stipend
from tests.partnerships.opendata.test_opendata import approve, codelist, validator
from tests.support.files import pdf
from tests.support.web import api, login

RELEASES = "/api/v1/opendata/ocds/release-package.json"
RECORDS = "/api/v1/opendata/ocds/record-package.json"
REPOSITORY = "https://gitlab.example.org/kuehle-wege/schattenkarte"


@pytest.fixture(autouse=True)
def look_every_time(monkeypatch):
    monkeypatch.setattr(cache, "RECHECK_SECONDS", 0)


async def paid_stipend(app, clients) -> dict:
    stipend = await active_stipend(app, clients)
    milestone = stipend["milestones"][0]
    await approve(clients, milestone["id"])
    paid = await api(
        clients["finance"],
        "POST",
        f"/api/v1/milestones/{milestone['id']}/payments",
        {"amount_cents": 2_000_00, "paid_on": leipzig_today().isoformat(), "reference": "ST-9"},
    )
    assert paid.status_code == 201, paid.text
    return stipend


async def signed_pilot(app, clients, stipend: dict, owner_email: str) -> dict:
    """The same team's pilot with a regular milestone and an open-source bonus, signed."""
    start = date.today() + timedelta(days=70)
    plan = PartnershipIn(
        submission_id=stipend["submission_id"],
        title="Pilotprojekt Kühle Wege",
        scope="Schattenkarte im Testgebiet",
        city_unit="Amt für Umwelt",
        start_date=start,
        end_date=start + timedelta(days=180),
        total_cents=25_000_00,
        milestones=[
            MilestoneIn(
                title="Prototyp", due_date=start + timedelta(days=60), amount_cents=20_000_00
            )
        ],
    )
    async with db.write_transaction():
        pilot = await contracts.insert(None, plan, kind="pilot")
        await Milestone(
            partnership=pilot["id"],
            position=2,
            title="Open-Source-Bonus",
            deliverables="Quellcode öffentlich unter EUPL-1.2",
            due_date=start + timedelta(days=180),
            amount_cents=5_000_00,
            kind="open_source_bonus",
        ).save()
    sent = await api(clients["staff"], "POST", f"/api/v1/partnerships/{pilot['id']}/send")
    assert sent.status_code == 200, sent.text
    async with http_client(app) as team:
        await login(team, owner_email)
        signed = await upload(team, f"/api/v1/partnerships/{pilot['id']}/signed", pdf("pilot"))
        assert signed.status_code == 200, signed.text
    return signed.json()


async def met_bonus(pilot: dict) -> dict:
    """The bonus milestone's evidence verified and approved (its review flow is the pilots')."""
    [bonus] = [m for m in pilot["milestones"] if m["kind"] == "open_source_bonus"]
    await Evidence(
        milestone=bonus["id"],
        round=1,
        note="",
        repository_url=REPOSITORY,
        ref="v1.0.0",
        licence="EUPL-1.2",
        created_at=datetime.now(UTC),
    ).save()
    await Milestone.update(
        {
            Milestone.status: "approved",
            Milestone.evidence_round: 1,
            Milestone.approved_at: datetime.now(UTC),
        }
    ).where(Milestone.id == bonus["id"])
    return bonus


async def owner_of(stipend: dict) -> dict:
    row = (
        await Membership.select(
            Membership.user.email.as_alias("email"), Membership.user.name.as_alias("name")
        )
        .where(Membership.organisation == stipend["organisation_id"])
        .first()
    )
    return row


def check_codelists(releases: list[dict]) -> None:
    tags, roles = codelist("releaseTag.csv"), codelist("partyRole.csv")
    milestone_states = codelist("milestoneStatus.csv")
    for release in releases:
        assert set(release["tag"]) <= tags
        for party in release.get("parties", []):
            assert set(party["roles"]) <= roles
        for contract in release.get("contracts", []):
            for milestone in contract.get("implementation", {}).get("milestones", []):
                assert milestone["status"] in milestone_states


async def validated(client) -> tuple[dict, dict]:
    """Both packages, valid against the 1.1.5 schemas, closed codelists kept, ids unique."""
    package = (await client.get(RELEASES)).json()
    records = (await client.get(RECORDS)).json()
    validator("release-package-schema.json").validate(package)
    validator("record-package-schema.json").validate(records)
    check_codelists(package["releases"] + [r["compiledRelease"] for r in records["records"]])
    ids = [r["id"] for r in package["releases"]]
    assert len(ids) == len(set(ids))
    assert len({r["ocid"] for r in records["records"]}) == len(records["records"])
    return package, records


async def no_personal_data(client, owner: dict, clients: dict) -> None:
    text = (await client.get(RELEASES)).text + (await client.get(RECORDS)).text
    for marker in (owner["email"], owner["name"]):
        assert marker not in text
    for person in clients.values():
        assert person.user["email"] not in text and person.user["name"] not in text


def compiled_with_both(records: dict, stipend: dict, releases: int) -> None:
    """One record for the process, compiled with two awards and their contracts."""
    [record] = [r for r in records["records"] if r["ocid"] == stipend["ocid"]]
    compiled = record["compiledRelease"]
    assert len(compiled["awards"]) == 2 and len(compiled["contracts"]) == 2
    assert {c["awardID"] for c in compiled["contracts"]} == {a["id"] for a in compiled["awards"]}
    assert len(record["releases"]) == releases


def one_process(package: dict, records: dict, stipend: dict, pilot: dict, before: dict) -> None:
    """The stipend's ocid holds both awards and contracts; its earlier releases are unchanged."""
    mine = [r for r in package["releases"] if r["ocid"] == stipend["ocid"]]
    for release in before.values():  # published releases never change
        assert release in mine
    awards = [a for r in mine for a in r.get("awards", []) if "value" in a]
    assert len({a["id"] for a in awards}) == 2
    assert {a["description"].split()[0] for a in awards} == {"Stipendium", "Pilotprojekt"}
    assert sorted(r["tag"][0] for r in mine if r["tag"] in (["award"], ["contract"])) == [
        "award",
        "award",
        "contract",
        "contract",
    ]
    pilot_parts = (f"{stipend['ocid']}-pilot-award", f"{stipend['ocid']}-pilot-contract")
    pilots = {  # this pilot is published under the stipend's ocid only (other tests' pilots
        # may share the database)
        r["ocid"]
        for r in package["releases"]
        for part in r.get("awards", []) + r.get("contracts", [])
        if part["id"] in pilot_parts
    }
    assert pilots == {stipend["ocid"]}
    assert pilot["ocid"] == stipend["ocid"]  # the API names the same contracting process

    compiled_with_both(records, stipend, len(mine))


async def test_stipend_and_pilot_share_one_ocid_with_an_award_each(app, clients):
    stipend = await paid_stipend(app, clients)
    owner = await owner_of(stipend)
    client = http_client(app)
    before = {
        r["id"]: r
        for r in (await client.get(RELEASES)).json()["releases"]
        if r["ocid"] == stipend["ocid"]
    }
    assert [r["tag"] for r in before.values()][:2] == [["award"], ["contract"]]
    award = before[f"{stipend['ocid']}-award"]["awards"][0]
    assert "Stipendium" in award["description"] and award["value"]["amount"] == 2000

    pilot = await signed_pilot(app, clients, stipend, owner["email"])
    await met_bonus(pilot)
    package, records = await validated(client)

    one_process(package, records, stipend, pilot, before)
    await no_personal_data(client, owner, clients)


async def signed_milestones(client, stipend: dict) -> list[dict]:
    """The milestones of every contract release of the stipend's process."""
    releases = (await client.get(RELEASES)).json()["releases"]
    return [
        m
        for r in releases
        if r["ocid"] == stipend["ocid"] and r["tag"] == ["contract"]
        for c in r["contracts"]
        for m in c["implementation"]["milestones"]
    ]


async def test_the_open_source_bonus_is_its_own_milestone_with_repository_and_licence(app, clients):
    stipend = await paid_stipend(app, clients)
    owner = await owner_of(stipend)
    pilot = await signed_pilot(app, clients, stipend, owner["email"])
    client = http_client(app)
    [scheduled] = [m for m in await signed_milestones(client, stipend) if m.get("code")]
    assert scheduled["code"] == "openSourceBonus" and scheduled["status"] == "scheduled"
    assert "documents" not in scheduled and "Open-Source-Bonus" in scheduled["description"]

    bonus = await met_bonus(pilot)
    package = (await client.get(RELEASES)).json()
    validator("release-package-schema.json").validate(package)
    [met] = [r for r in package["releases"] if r["id"].endswith(f"milestone-{bonus['id']}-met")]
    assert met["tag"] == ["implementation"] and met["ocid"] == stipend["ocid"]
    [item] = [
        m
        for m in met["contracts"][0]["implementation"]["milestones"]
        if m["id"] == str(bonus["id"])
    ]
    assert item["status"] == "met" and item["code"] == "openSourceBonus"
    [document] = item["documents"]
    assert document["url"] == REPOSITORY and "EUPL-1.2" in document["title"]
    regular = [
        m for m in met["contracts"][0]["implementation"]["milestones"] if m["id"] != item["id"]
    ]
    assert regular and all("code" not in m for m in regular)


async def test_funding_overview_lists_stipends_and_pilots_as_their_own_awards(app, clients):
    stipend = await paid_stipend(app, clients)
    owner = await owner_of(stipend)
    await signed_pilot(app, clients, stipend, owner["email"])
    funding = (await clients["finance"].get("/api/v1/funding")).json()
    call = (await contracts.get(stipend["id"]))["call"]
    slug = (await Call.select(Call.slug).where(Call.id == call).first())["slug"]
    rows = {g["kind"]: g for g in funding["groups"] if g["call"] == slug}
    assert rows["stipend"]["committed_cents"] == 2_000_00
    assert rows["stipend"]["disbursed_cents"] == 2_000_00
    assert rows["pilot"]["committed_cents"] == 25_000_00
    page = await clients["staff"].get("/staff/funding")
    assert page.status_code == 200
    assert "Stipendien" in page.text and "Pilotprojekte" in page.text
