"""The one OCDS 1.1.5 release builder: the open-data packages and the releases embedded in the
contract and amendment PDFs both come from :func:`releases_of`, so a release has one id
wherever it appears.

Each partnership's releases, oldest first: the award (when the results were published), the
contract (when signed; ``pending`` while a sent contract waits for its signature), one per
amendment, one implementation release per milestone met and per payment recorded, a
termination, and an ``awardUpdate`` per change of the partner's name after signing. Ids and
dates derive from stored facts, so a release never changes once published and the package is
byte-identical while nothing changes — which makes the ETag cheap to answer. No personal data of
natural persons: organisations only, and a student team without consent appears anonymously."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec

from challenge.platform import clock
from challenge.platform.money import number_amount
from partnerships.contracts.rules import partnership_ocid
from partnerships.opendata.facts import Facts, moment_of

CITY = {"id": "DE-LEIPZIG", "name": "Stadt Leipzig"}
CONTRACT_STATUS = {
    "draft": "pending",
    "sent": "pending",
    "signed": "active",
    "active": "active",
    "completed": "active",
    "terminated": "terminated",
}
RELEASE_PACKAGE = "/api/v1/opendata/ocds/release-package.json"
RECORD_PACKAGE = "/api/v1/opendata/ocds/record-package.json"


def iso(moment) -> str:
    """OCDS date-time: UTC, whole seconds, ``Z``; a date is its midnight."""
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return f"{moment.isoformat()}T00:00:00Z"


def _value(cents: int) -> dict:
    return {"amount": number_amount(cents), "currency": "EUR"}


def _parties(supplier: dict) -> list[dict]:
    return [
        {**CITY, "roles": ["buyer", "payer", "procuringEntity"]},
        {**supplier, "roles": ["supplier", "payee"]},
    ]


def _plan_at(partnership: dict, amendments: list[dict], moment) -> dict:
    """The plan in force at a moment: as signed, or after the last amendment before it."""
    plan = amendments[0]["plan_before"] if amendments else None
    for amendment in amendments:
        if amendment["created_at"] <= moment:
            plan = amendment["plan_after"]
    if plan is None:
        return {
            "start_date": partnership["start_date"].isoformat(),
            "end_date": partnership["end_date"].isoformat(),
            "total_cents": partnership["total_cents"],
        }
    return plan


def _period(plan: dict) -> dict:
    return {
        "startDate": iso(date.fromisoformat(plan["start_date"])),
        "endDate": iso(date.fromisoformat(plan["end_date"])),
    }


def _implementation(
    plan: dict, milestones: list[dict], payments: list[dict], payee, moment
) -> dict:
    """Milestones as planned at that moment (met once approved by then) and payments until then,
    each to the partner as named when it was recorded (``payee(moment)``)."""
    approved = {str(m["id"]): m["approved_at"] for m in milestones}
    planned = plan.get("milestones") or [
        {"id": str(m["id"]), "title": m["title"], "due_date": m["due_date"].isoformat()}
        for m in milestones
    ]
    items = []
    for m in planned:
        met = approved.get(m["id"])
        met = met if met is not None and met <= moment else None
        items.append(
            {
                "id": m["id"],
                "title": m["title"],
                "type": "delivery",
                "dueDate": iso(date.fromisoformat(m["due_date"])),
                "status": "met" if met else "scheduled",
                **({"dateMet": iso(met)} if met else {}),
            }
        )
    return {
        "milestones": items,
        "transactions": [
            {
                "id": str(p["id"]),
                "date": iso(p["paid_on"]),
                "value": _value(p["amount_cents"]),
                "payer": CITY,
                "payee": payee(p["created_at"]),
            }
            for p in payments
            if p["created_at"] <= moment
        ],
    }


class _Releases:
    """Builds one partnership's releases; each knows its moment, to be sorted oldest first."""

    def __init__(self, prefix: str, partnership: dict, facts: Facts) -> None:
        self.p, self.facts = partnership, facts
        self.identifier = partnership_ocid(prefix, partnership)
        self.contract_id, self.award_id = f"{self.identifier}-contract", f"{self.identifier}-award"
        self.amendments = facts.amendments[partnership["id"]]
        self.order: dict[str, datetime] = {}

    def payee(self, moment) -> dict:
        return self.facts.supplier_at(self.p["id"], moment)

    def base(self, suffix: str, tag: str, moment) -> dict:
        self.order[f"{self.identifier}-{suffix}"] = moment_of(moment)
        return {
            "ocid": self.identifier,
            "id": f"{self.identifier}-{suffix}",
            "date": iso(moment),
            "tag": [tag],
            "initiationType": "tender",
            "language": "de",
        }

    def award(self) -> dict:
        p = self.p
        awarded_at = self.facts.published.get(p["call"]) or p["created_at"]
        plan = _plan_at(p, self.amendments, p["signed_at"] or clock.now())
        awarded_to = {
            **self.payee(awarded_at),
            **(
                {} if p["id"] in self.facts.anonymous else {"name": self.facts.names[p["id"]][0][1]}
            ),
        }  # as the results named the team, even if signed earlier
        return {
            **self.base("award", "award", awarded_at),
            "parties": _parties(awarded_to),
            "buyer": CITY,
            "awards": [
                {
                    "id": self.award_id,
                    "title": p["title"],
                    "status": "active",
                    "date": iso(awarded_at),
                    "value": _value(plan["total_cents"]),
                    "suppliers": [awarded_to],
                }
            ],
        }

    def contract(self) -> dict:
        """As signed; before signing (a contract being issued) ``pending``, dated now."""
        p = self.p
        moment = p["signed_at"] or clock.now()
        plan = _plan_at(p, self.amendments, moment)
        implementation = _implementation(
            plan, self.facts.milestones[p["id"]], self.facts.payments[p["id"]], self.payee, moment
        )  # the schedule as agreed
        return {
            **self.base("contract", "contract", moment),
            "parties": _parties(self.payee(moment)),
            "buyer": CITY,
            "contracts": [
                {
                    "id": self.contract_id,
                    "awardID": self.award_id,
                    "title": p["title"],
                    **({"description": p["scope"]} if p["scope"] else {}),
                    "status": "active" if p["signed_at"] else "pending",
                    "period": _period(plan),
                    "value": _value(plan["total_cents"]),
                    "implementation": implementation,
                    **({"dateSigned": iso(moment)} if p["signed_at"] else {}),
                }
            ],
        }

    def amendment(self, amendment: dict) -> dict:
        after = amendment["plan_after"]
        return {
            **self.base(
                f"amendment-{amendment['number']}", "contractAmendment", amendment["created_at"]
            ),
            "contracts": [
                {
                    "id": self.contract_id,
                    "awardID": self.award_id,
                    "period": _period(after),
                    "value": _value(after["total_cents"]),
                    "amendments": [
                        {
                            "id": str(a["number"]),
                            "date": iso(a["created_at"]),
                            "rationale": a["rationale"],
                        }
                        for a in self.amendments
                        if a["number"] <= amendment["number"]
                    ],
                }
            ],
        }

    def implementation(self) -> list[dict]:
        """One release per milestone met and per payment; its content is fixed by its moment."""
        milestones, payments = (
            self.facts.milestones[self.p["id"]],
            self.facts.payments[self.p["id"]],
        )
        events = [
            (m["approved_at"], f"milestone-{m['id']}-met") for m in milestones if m["approved_at"]
        ]
        events += [(p["created_at"], f"payment-{p['id']}") for p in payments]
        return [
            {
                **self.base(suffix, "implementation", moment),
                "contracts": [
                    {
                        "id": self.contract_id,
                        "awardID": self.award_id,
                        "implementation": _implementation(
                            _plan_at(self.p, self.amendments, moment),
                            milestones,
                            payments,
                            self.payee,
                            moment,
                        ),
                    }
                ],
            }
            for moment, suffix in sorted(events)
        ]

    def renames(self) -> list[dict]:
        """A change of name after signing is a new release; the old ones stay. An anonymous
        team's new name is not public either."""
        if self.p["id"] in self.facts.anonymous:
            return []
        return [
            {
                **self.base(suffix, "awardUpdate", since),
                "parties": _parties(self.payee(since)),
                "awards": [{"id": self.award_id, "suppliers": [self.payee(since)]}],
            }
            for since, _name, suffix in self.facts.names[self.p["id"]]
            if suffix is not None
        ]

    def termination(self) -> list[dict]:
        if self.p["status"] != "terminated" or not self.p["terminated_at"]:
            return []
        return [
            {
                **self.base("termination", "contractTermination", self.p["terminated_at"]),
                "contracts": [
                    {"id": self.contract_id, "awardID": self.award_id, "status": "terminated"}
                ],
            }
        ]

    def all(self) -> list[dict]:
        releases = [
            self.award(),
            self.contract(),
            *(self.amendment(a) for a in self.amendments),
            *self.implementation(),
            *self.renames(),
            *self.termination(),
        ]
        return sorted(
            releases, key=lambda r: self.order[r["id"]]
        )  # oldest first, as records require


def releases_of(prefix: str, partnership: dict, facts: Facts) -> list[dict]:
    """Every release of one partnership, oldest first."""
    return _Releases(prefix, partnership, facts).all()


def compiled_release(prefix: str, partnership: dict, facts: Facts, releases: list[dict]) -> dict:
    """The record's compiled release: the partnership as it stands, the partner as named now."""
    identifier = partnership_ocid(prefix, partnership)
    supplier = facts.suppliers[partnership["id"]]
    amendments = facts.amendments[partnership["id"]]
    latest = max(r["date"] for r in releases)
    contract = {
        "id": f"{identifier}-contract",
        "awardID": f"{identifier}-award",
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
        ),
    }
    if amendments:
        contract["amendments"] = [
            {"id": str(a["number"]), "date": iso(a["created_at"]), "rationale": a["rationale"]}
            for a in amendments
        ]
    return {
        "ocid": identifier,
        "id": f"{identifier}-compiled-{latest}",
        "date": latest,
        "tag": ["compiled"],
        "initiationType": "tender",
        "language": "de",
        "parties": _parties(supplier),
        "buyer": CITY,
        "awards": [
            {
                **next(r for r in releases if r["tag"] == ["award"])["awards"][0],
                "suppliers": [supplier],
            }
        ],
        "contracts": [contract],
    }


def package_head(settings, path: str, published: str) -> dict:
    """The package metadata both packages (and the PDFs' attachments) share."""
    return {
        "uri": f"{settings.base_url}{path}",
        "version": "1.1",
        "publishedDate": published,
        "publisher": {"name": settings.opendata_publisher},
        "license": settings.opendata_license,
        "publicationPolicy": f"{settings.base_url}/opendata",
    }


def release_package(settings, releases: list[dict]) -> dict:
    """A release package of these releases, dated by the latest."""
    published = max((r["date"] for r in releases), default=iso(datetime(2026, 1, 1, tzinfo=UTC)))
    return {**package_head(settings, RELEASE_PACKAGE, published), "releases": releases}


def build(settings, facts: Facts) -> tuple[bytes, bytes]:
    """(release package, record package) as JSON bytes."""
    per_partnership = [(p, releases_of(settings.ocds_prefix, p, facts)) for p in facts.partnerships]
    package = release_package(settings, [r for _p, rs in per_partnership for r in rs])
    records = [
        {
            "ocid": partnership_ocid(settings.ocds_prefix, p),
            "releases": [
                {
                    "url": f"{settings.base_url}{RELEASE_PACKAGE}#{r['id']}",
                    "date": r["date"],
                    "tag": r["tag"],
                }
                for r in rs
            ],
            "compiledRelease": compiled_release(settings.ocds_prefix, p, facts, rs),
        }
        for p, rs in per_partnership
    ]
    record_package = {
        **package_head(settings, RECORD_PACKAGE, package["publishedDate"]),
        "packages": [f"{settings.base_url}{RELEASE_PACKAGE}"],
        "records": records,
    }
    return msgspec.json.encode(package), msgspec.json.encode(record_package)
