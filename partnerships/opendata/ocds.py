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
from functools import lru_cache

from challenge.platform import clock
from challenge.platform.money import number_amount
from challenge.platform.references import ocid
from challenge.platform.theme import current as current_theme
from partnerships.opendata.facts import Facts, moment_of


def city() -> dict:
    """The buyer and payer as an OCDS party reference: the theme's party id and authority."""
    theme = current_theme()
    return {"id": theme.party_id, "name": theme.authority_in("de")}


def publisher(settings) -> str:
    """The packages' publisher: CHALLENGE_OPENDATA_PUBLISHER, or else the theme's authority."""
    return settings.opendata_publisher or current_theme().authority_in("de")


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
# how an award is labelled, by the partnership's kind (a plain partnership stays as published)
AWARD_LABELS = {
    "stipend": "Stipendium für die Entwicklungsphase (brutto)",
    "pilot": "Pilotprojekt nach der Entwicklungsphase",
}
BONUS = "openSourceBonus"
BONUS_DESCRIPTION = "Open-Source-Bonus: Veröffentlichung des Quellcodes unter einer OSI-Lizenz"


def process_ids(prefix: str, partnership: dict, facts: Facts) -> tuple[str, str]:
    """(ocid, stem of its ids): a partnership shares the ocid of its entry's first partnership
    (the stipend, then the pilot); the first keeps plain ids, a later one adds its kind."""
    first = facts.processes.get(partnership["id"], partnership)
    identifier = ocid(prefix, first["year"], first["number"])
    if first["id"] == partnership["id"]:
        return identifier, identifier
    return identifier, f"{identifier}-{partnership['kind']}"


def ocid_of(prefix: str, partnership: dict, facts: Facts) -> str:
    """The ocid a partnership is published under."""
    return process_ids(prefix, partnership, facts)[0]


@lru_cache(maxsize=65_536)
def iso(moment) -> str:
    """OCDS date-time: UTC, whole seconds, ``Z``; a date is its midnight (memoised: a package
    repeats the same moments in every release)."""
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return f"{moment.isoformat()}T00:00:00Z"


def _value(cents: int) -> dict:
    return {"amount": number_amount(cents), "currency": "EUR"}


def _parties(supplier: dict) -> list[dict]:
    return [
        {**city(), "roles": ["buyer", "payer", "procuringEntity"]},
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


def _milestone(m: dict, stored: dict, met, bonus: dict) -> dict:
    """One milestone as planned, met or scheduled; the open-source bonus says so, and once met
    names the public repository and its licence."""
    item = {
        "id": m["id"],
        "title": m["title"],
        "type": "delivery",
        "dueDate": f"{m['due_date']}T00:00:00Z",  # an ISO date, as iso() writes a day
        "status": "met" if met else "scheduled",
        **({"dateMet": iso(met)} if met else {}),
    }
    if stored.get("kind") != "open_source_bonus":
        return item
    item.update(code=BONUS, description=BONUS_DESCRIPTION)
    evidence = bonus.get(stored["id"]) if met else None
    if evidence and evidence["repository_url"]:
        licence = evidence["licence"]
        item["documents"] = [
            {
                "id": f"{m['id']}-repository",
                "title": f"Quellcode ({licence})" if licence else "Quellcode",
                "description": f"Öffentliches Repository; Lizenz (SPDX): {licence or '–'}",
                "url": evidence["repository_url"],
            }
        ]
    return item


def schedule(milestones: list[dict]) -> tuple[dict, list[dict]]:
    """(stored milestone by id, the plan's milestones as signed) — computed once per
    partnership, not once per release."""
    return {str(m["id"]): m for m in milestones}, [
        {"id": str(m["id"]), "title": m["title"], "due_date": m["due_date"].isoformat()}
        for m in milestones
    ]


def _implementation(
    plan: dict, milestones: list[dict], payments: list[dict], payee, moment, bonus=None, **known
) -> dict:
    """Milestones as planned at that moment (met once approved by then) and payments until then,
    each to the partner as named when it was recorded (``payee(moment)``); ``known`` may carry
    the ``schedule`` of the milestones."""
    stored, signed = known.get("schedule") or schedule(milestones)
    planned = plan.get("milestones") or signed
    items = []
    for m in planned:
        row = stored.get(m["id"], {})
        met = row.get("approved_at")
        met = met if met is not None and met <= moment else None
        items.append(_milestone(m, row, met, bonus or {}))
    return {
        "milestones": items,
        "transactions": [
            {
                "id": str(p["id"]),
                "date": iso(p["paid_on"]),
                "value": _value(p["amount_cents"]),
                "payer": city(),
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
        self.identifier, self.stem = process_ids(prefix, partnership, facts)
        self.contract_id, self.award_id = f"{self.stem}-contract", f"{self.stem}-award"
        self.amendments = facts.amendments[partnership["id"]]
        self.schedule = schedule(facts.milestones[partnership["id"]])
        self.order: dict[str, datetime] = {}

    def payee(self, moment) -> dict:
        return self.facts.supplier_at(self.p["id"], moment)

    def base(self, suffix: str, tag: str, moment) -> dict:
        self.order[f"{self.stem}-{suffix}"] = moment_of(moment)
        return {
            "ocid": self.identifier,
            "id": f"{self.stem}-{suffix}",
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
            "buyer": city(),
            "awards": [
                {
                    "id": self.award_id,
                    "title": p["title"],
                    **(
                        {"description": AWARD_LABELS[p["kind"]]}
                        if p.get("kind") in AWARD_LABELS
                        else {}
                    ),
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
            plan,
            self.facts.milestones[p["id"]],
            self.facts.payments[p["id"]],
            self.payee,
            moment,
            self.facts.bonus,
            schedule=self.schedule,
        )  # the schedule as agreed
        return {
            **self.base("contract", "contract", moment),
            "parties": _parties(self.payee(moment)),
            "buyer": city(),
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
                            self.facts.bonus,
                            schedule=self.schedule,
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


def package_head(settings, path: str, published: str) -> dict:
    """The package metadata both packages (and the PDFs' attachments) share."""
    return {
        "uri": f"{settings.base_url}{path}",
        "version": "1.1",
        "publishedDate": published,
        "publisher": {"name": publisher(settings)},
        "license": settings.opendata_license,
        "publicationPolicy": f"{settings.base_url}/opendata",
    }


def release_package(settings, releases: list[dict]) -> dict:
    """A release package of these releases, dated by the latest."""
    published = max((r["date"] for r in releases), default=iso(datetime(2026, 1, 1, tzinfo=UTC)))
    return {**package_head(settings, RELEASE_PACKAGE, published), "releases": releases}
