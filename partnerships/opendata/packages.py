"""The two OCDS packages of every signed partnership: the release package (every release of
:mod:`partnerships.opendata.ocds`) and the record package, one record per contracting process —
a stipend and the same team's pilot share one ocid, so their record has two awards and two
contracts, compiled as they stand."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from partnerships.opendata.facts import Facts
from partnerships.opendata.ocds import (
    CONTRACT_STATUS,
    RECORD_PACKAGE,
    RELEASE_PACKAGE,
    _implementation,
    _parties,
    _value,
    city,
    iso,
    package_head,
    process_ids,
    release_package,
    releases_of,
)


def _compiled_contract(prefix: str, partnership: dict, facts: Facts) -> dict:
    """One partnership's contract as it stands."""
    _identifier, stem = process_ids(prefix, partnership, facts)
    amendments = facts.amendments[partnership["id"]]
    contract = {
        "id": f"{stem}-contract",
        "awardID": f"{stem}-award",
        "title": partnership["title"],
        **({"description": partnership["scope"]} if partnership["scope"] else {}),
        "status": CONTRACT_STATUS[partnership["status"]],
        "period": {
            "startDate": iso(partnership["start_date"]),
            "endDate": iso(partnership["end_date"]),
        },
        "value": _value(partnership["total_cents"]),
        "dateSigned": iso(partnership["signed_at"]),
        "implementation": _implementation(
            {},
            facts.milestones[partnership["id"]],
            facts.payments[partnership["id"]],
            lambda when: facts.supplier_at(partnership["id"], when),
            datetime.max.replace(tzinfo=UTC),
            facts.bonus,
        ),
    }
    if amendments:
        contract["amendments"] = [
            {"id": str(a["number"]), "date": iso(a["created_at"]), "rationale": a["rationale"]}
            for a in amendments
        ]
    return contract


def compiled_release(prefix: str, members: list[dict], facts: Facts, releases: list[dict]) -> dict:
    """The record's compiled release: each of the process's partnerships (the stipend, the
    pilot) as an award and a contract as they stand, the partner as named now."""
    identifier = process_ids(prefix, members[0], facts)[0]
    latest = max(r["date"] for r in releases)
    by_id = {r["id"]: r for r in releases}
    awards = []
    for partnership in members:
        stem = process_ids(prefix, partnership, facts)[1]
        awards.append(
            {
                **by_id[f"{stem}-award"]["awards"][0],
                "suppliers": [facts.suppliers[partnership["id"]]],
            }
        )
    return {
        "ocid": identifier,
        "id": f"{identifier}-compiled-{latest}",
        "date": latest,
        "tag": ["compiled"],
        "initiationType": "tender",
        "language": "de",
        "parties": _parties(facts.suppliers[members[-1]["id"]]),
        "buyer": city(),
        "awards": awards,
        "contracts": [_compiled_contract(prefix, p, facts) for p in members],
    }


def _processes(prefix: str, facts: Facts) -> list[tuple[str, list[dict], list[dict]]]:
    """(ocid, partnerships, releases oldest first) per contracting process, in the order of
    their first partnership."""
    processes: dict[str, tuple[list[dict], list[dict]]] = {}
    for partnership in facts.partnerships:
        identifier = process_ids(prefix, partnership, facts)[0]
        members, releases = processes.setdefault(identifier, ([], []))
        members.append(partnership)
        releases.extend(releases_of(prefix, partnership, facts))
    return [
        (identifier, members, sorted(releases, key=lambda r: r["date"]))
        for identifier, (members, releases) in processes.items()
    ]


def build(settings, facts: Facts) -> tuple[bytes, bytes]:
    """(release package, record package) as JSON bytes."""
    processes = _processes(settings.ocds_prefix, facts)
    package = release_package(settings, [r for _o, _m, rs in processes for r in rs])
    records = [
        {
            "ocid": identifier,
            "releases": [
                {
                    "url": f"{settings.base_url}{RELEASE_PACKAGE}#{r['id']}",
                    "date": r["date"],
                    "tag": r["tag"],
                }
                for r in rs
            ],
            "compiledRelease": compiled_release(settings.ocds_prefix, members, facts, rs),
        }
        for identifier, members, rs in processes
    ]
    record_package = {
        **package_head(settings, RECORD_PACKAGE, package["publishedDate"]),
        "packages": [f"{settings.base_url}{RELEASE_PACKAGE}"],
        "records": records,
    }
    return msgspec.json.encode(package), msgspec.json.encode(record_package)
