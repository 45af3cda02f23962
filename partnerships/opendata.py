"""Open data (issue 9): the OCDS 1.1.5 release and record packages of every signed partnership,
flat CSV exports, and what the public project pages show. No personal data of natural persons:
organisations only, and a student team without consent appears anonymously.

Each partnership's releases, oldest first: the award (when the results were published), the
contract (when signed), one per amendment, one implementation release per milestone met and
per payment recorded, a termination, and an ``awardUpdate`` per change of the partner's name
after signing. Ids and dates derive from stored facts, so a release never changes once
published and the package is byte-identical while nothing changes — which makes the ETag cheap
to answer.

Names as published: the award release names the partner as the results did (the decision's
snapshot), the contract release as at signing (the partnership's snapshot), and a later rename
is stored once as a SupplierName row (dated by the organisation's change) that becomes a new
release — the old ones keep the old name. Only the privacy rule is live: a student team without
consent to publication is anonymous in every release."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

import msgspec

from challenge import db
from challenge.calls.tables import Call
from challenge.organisations.tables import Organisation
from challenge.platform.money import number_amount, plain_amount
from challenge.results.decisions import ANONYMOUS_TEAM_DE, is_anonymous
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.ocds import CITY, CONTRACT_STATUS, ocid
from partnerships.tables import Amendment, Milestone, Partnership, Payment, SupplierName

PUBLIC_STATES = ("signed", "active", "completed", "terminated")
RELEASE_PACKAGE = "/api/v1/opendata/ocds/release-package.json"
RECORD_PACKAGE = "/api/v1/opendata/ocds/record-package.json"
LICENCE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"


def _iso(moment) -> str:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return f"{moment.isoformat()}T00:00:00Z"


def _value(cents: int) -> dict:
    return {"amount": number_amount(cents), "currency": "EUR"}


@dataclass
class Facts:
    """Everything public about the signed partnerships, read in a handful of queries."""

    partnerships: list[dict]
    milestones: dict
    payments: dict
    amendments: dict
    suppliers: dict  # the partner as named now (latest published name), for compiled views
    published: dict
    anonymous: set
    names: dict  # partnership id -> [(since, name, release suffix or None)], oldest first

    def supplier_at(self, partnership_id, moment) -> dict:
        """The partner as published at a moment: the latest name given by then."""
        supplier = self.suppliers[partnership_id]
        timeline = self.names.get(partnership_id) or []
        name = timeline[0][1] if timeline else supplier["name"]
        for since, named, _suffix in timeline:
            if _moment(since) <= _moment(moment):
                name = named
        return {"id": supplier["id"], "name": ANONYMOUS_TEAM_DE if partnership_id in self.anonymous else name}


def _moment(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time(), tzinfo=UTC)


async def record_renames(partnerships: list[dict], organisations: dict) -> dict:
    """SupplierName rows by partnership, after storing a change of name not seen before: the
    partner's name differs from the last one published (at signing, or the last change). Dated
    by the organisation's last change, so every replica stores the same row (the unique
    (partnership, number) index keeps one)."""
    ids = [p["id"] for p in partnerships if p["signed_at"] is not None]

    async def load() -> dict:
        rows = defaultdict(list)
        if ids:
            for row in await SupplierName.select().where(SupplierName.partnership.is_in(ids)).order_by(SupplierName.number):
                rows[row["partnership"]].append(row)
        return rows

    rows = await load()
    added = False
    for p in partnerships:
        organisation = organisations[p["organisation"]]
        if p["signed_at"] is None or not p["signed_name"]:
            continue
        known = rows[p["id"]]
        last = known[-1]["name"] if known else p["signed_name"]
        if organisation["name"] == last:
            continue
        since = max([organisation["updated_at"] or p["signed_at"], p["signed_at"], *(r["changed_at"] for r in known)])
        try:
            async with db.write_transaction():
                await SupplierName(partnership=p["id"], number=(known[-1]["number"] if known else 0) + 1,
                                   name=organisation["name"], changed_at=since).save()
        except Exception as error:
            if not db.is_unique_violation(error):
                raise
        added = True
    return await load() if added else rows


async def load_facts(only=None) -> Facts:
    query = Partnership.select().where(
        Partnership.status.is_in(list(PUBLIC_STATES)) & Partnership.signed_at.is_not_null()).order_by(Partnership.number)
    if only is not None:
        query = query.where(Partnership.id == only)
    partnerships = await query
    ids = [p["id"] for p in partnerships]
    milestones, payments, amendments = defaultdict(list), defaultdict(list), defaultdict(list)
    if ids:
        for m in await Milestone.select().where(Milestone.partnership.is_in(ids)).order_by(Milestone.position):
            milestones[m["partnership"]].append(m)
        for p in await Payment.select(Payment.id, Payment.partnership, Payment.milestone, Payment.amount_cents,
                                      Payment.paid_on, Payment.created_at).where(
                Payment.partnership.is_in(ids)).order_by(Payment.created_at):
            payments[p["partnership"]].append(p)
        for a in await Amendment.select(Amendment.partnership, Amendment.number, Amendment.rationale, Amendment.created_at,
                                        Amendment.plan_before, Amendment.plan_after).output(load_json=True).where(
                Amendment.partnership.is_in(ids)).order_by(Amendment.number):
            amendments[a["partnership"]].append(a)
    organisations = {o["id"]: o for o in await Organisation.select(
        Organisation.id, Organisation.name, Organisation.kind, Organisation.updated_at).where(
        Organisation.id.is_in(list({p["organisation"] for p in partnerships}) or [None]))} if partnerships else {}
    consent = {s["id"]: s["consent_publication"] for s in await Submission.select(
        Submission.id, Submission.consent_publication).where(
        Submission.id.is_in([p["submission"] for p in partnerships]))} if partnerships else {}
    anonymous = {p["id"] for p in partnerships if is_anonymous(organisations[p["organisation"]], consent.get(p["submission"], False))}
    published = {c["id"]: c["results_published_at"] for c in await Call.select(Call.id, Call.results_published_at).where(
        Call.id.is_in(list({p["call"] for p in partnerships})))} if partnerships else {}
    awarded_as = {d["submission"]: d["published_name"] for d in await Decision.select(
        Decision.submission, Decision.published_name).where(
        Decision.submission.is_in([p["submission"] for p in partnerships]))} if partnerships else {}
    renames = await record_renames(partnerships, organisations)
    names, suppliers = {}, {}
    for p in partnerships:
        signed_as = p["signed_name"] or organisations[p["organisation"]]["name"]  # not signed through signed_copy
        names[p["id"]] = [(published.get(p["call"]) or p["created_at"], awarded_as.get(p["submission"]) or signed_as, None),
                          (p["signed_at"], signed_as, None),
                          *((r["changed_at"], r["name"], f"supplier-name-{r['number']}") for r in renames[p["id"]])]
        suppliers[p["id"]] = {"id": f"ORG-{p['organisation']}",
                              "name": ANONYMOUS_TEAM_DE if p["id"] in anonymous else names[p["id"]][-1][1]}
    return Facts(partnerships, milestones, payments, amendments, suppliers, published, anonymous, names)


async def published_organisation(partnership: dict) -> dict:
    """The partner for a release built now (the contract PDF's): before signing its name today;
    once signed the latest name the open data published — after storing a rename not seen yet,
    so the PDF and the package agree."""
    organisation = await Organisation.select(Organisation.id, Organisation.name, Organisation.kind).where(
        Organisation.id == partnership["organisation"]).first()
    if partnership.get("signed_at") is not None:
        facts = await load_facts(only=partnership["id"])
        if facts.partnerships:
            organisation["name"] = facts.names[partnership["id"]][-1][1]
    return organisation


def _plan_at(partnership: dict, amendments: list[dict], moment) -> dict:
    """The plan in force at a moment: as signed, or after the last amendment before it."""
    plan = amendments[0]["plan_before"] if amendments else None
    for amendment in amendments:
        if amendment["created_at"] <= moment:
            plan = amendment["plan_after"]
    if plan is None:
        return {"start_date": partnership["start_date"].isoformat(), "end_date": partnership["end_date"].isoformat(),
                "total_cents": partnership["total_cents"]}
    return plan


def _period(plan: dict) -> dict:
    return {"startDate": _iso(date.fromisoformat(plan["start_date"])), "endDate": _iso(date.fromisoformat(plan["end_date"]))}


def _implementation(plan: dict, milestones: list[dict], payments: list[dict], payee, moment) -> dict:
    """Milestones as planned at that moment (met once approved by then) and payments until then,
    each to the partner as named when it was recorded (``payee(moment)``)."""
    approved = {str(m["id"]): m["approved_at"] for m in milestones}
    planned = plan.get("milestones") or [{"id": str(m["id"]), "title": m["title"], "due_date": m["due_date"].isoformat()}
                                         for m in milestones]
    items = []
    for m in planned:
        met = approved.get(m["id"])
        met = met if met is not None and met <= moment else None
        items.append({"id": m["id"], "title": m["title"], "type": "delivery",
                      "dueDate": _iso(date.fromisoformat(m["due_date"])), "status": "met" if met else "scheduled",
                      **({"dateMet": _iso(met)} if met else {})})
    return {
        "milestones": items,
        "transactions": [{"id": str(p["id"]), "date": _iso(p["paid_on"]), "value": _value(p["amount_cents"]),
                          "payer": CITY, "payee": payee(p["created_at"])} for p in payments if p["created_at"] <= moment],
    }


def releases_of(prefix: str, partnership: dict, facts: Facts) -> list[dict]:
    identifier = ocid(prefix, partnership)
    milestones = facts.milestones[partnership["id"]]
    payments = facts.payments[partnership["id"]]
    amendments = facts.amendments[partnership["id"]]
    contract_id, award_id = f"{identifier}-contract", f"{identifier}-award"

    def parties(supplier: dict) -> list[dict]:
        return [{**CITY, "roles": ["buyer", "payer", "procuringEntity"]}, {**supplier, "roles": ["supplier", "payee"]}]

    def payee(moment) -> dict:
        return facts.supplier_at(partnership["id"], moment)

    order = {}

    def base(suffix: str, tag: str, moment) -> dict:
        order[f"{identifier}-{suffix}"] = moment if isinstance(moment, datetime) else datetime.combine(
            moment, datetime.min.time(), tzinfo=UTC)
        return {"ocid": identifier, "id": f"{identifier}-{suffix}", "date": _iso(moment), "tag": [tag],
                "initiationType": "tender", "language": "de"}

    awarded_at = facts.published.get(partnership["call"]) or partnership["created_at"]
    signed = _plan_at(partnership, amendments, partnership["signed_at"])
    awarded_to = {**payee(awarded_at), **({} if partnership["id"] in facts.anonymous else {
        "name": facts.names[partnership["id"]][0][1]})}  # as the results named the team, even if signed earlier
    signed_by = payee(partnership["signed_at"])
    releases = [
        {**base("award", "award", awarded_at), "parties": parties(awarded_to), "buyer": CITY,
         "awards": [{"id": award_id, "title": partnership["title"], "status": "active", "date": _iso(awarded_at),
                     "value": _value(signed["total_cents"]), "suppliers": [awarded_to]}]},
        {**base("contract", "contract", partnership["signed_at"]), "parties": parties(signed_by), "buyer": CITY,
         "contracts": [{"id": contract_id, "awardID": award_id, "title": partnership["title"],
                        **({"description": partnership["scope"]} if partnership["scope"] else {}),
                        "status": "active", "period": _period(signed), "value": _value(signed["total_cents"]),
                        "dateSigned": _iso(partnership["signed_at"])}]},
    ]
    for amendment in amendments:
        after = amendment["plan_after"]
        releases.append({**base(f"amendment-{amendment['number']}", "contractAmendment", amendment["created_at"]),
                         "contracts": [{"id": contract_id, "awardID": award_id, "period": _period(after),
                                        "value": _value(after["total_cents"]),
                                        "amendments": [{"id": str(a["number"]), "date": _iso(a["created_at"]),
                                                        "rationale": a["rationale"]}
                                                       for a in amendments if a["number"] <= amendment["number"]]}]})
    events = [(m["approved_at"], f"milestone-{m['id']}-met") for m in milestones if m["approved_at"]]
    events += [(p["created_at"], f"payment-{p['id']}") for p in payments]
    for moment, suffix in sorted(events):  # one release per change; its content is fixed by its moment
        releases.append({**base(suffix, "implementation", moment),
                         "contracts": [{"id": contract_id, "awardID": award_id, "implementation": _implementation(
                             _plan_at(partnership, amendments, moment), milestones, payments, payee, moment)}]})
    if partnership["id"] not in facts.anonymous:  # an anonymous team's new name is not public either
        for since, _name, suffix in facts.names[partnership["id"]]:
            if suffix is not None:  # a change of name after signing: a new release, the old ones stay
                releases.append({**base(suffix, "awardUpdate", since), "parties": parties(payee(since)),
                                 "awards": [{"id": award_id, "suppliers": [payee(since)]}]})
    if partnership["status"] == "terminated" and partnership["terminated_at"]:
        releases.append({**base("termination", "contractTermination", partnership["terminated_at"]),
                         "contracts": [{"id": contract_id, "awardID": award_id, "status": "terminated"}]})
    return sorted(releases, key=lambda r: order[r["id"]])  # oldest first, as records require


def compiled_release(prefix: str, partnership: dict, facts: Facts, releases: list[dict]) -> dict:
    identifier = ocid(prefix, partnership)
    supplier = facts.suppliers[partnership["id"]]
    amendments = facts.amendments[partnership["id"]]
    latest = max(r["date"] for r in releases)
    contract = {
        "id": f"{identifier}-contract", "awardID": f"{identifier}-award", "title": partnership["title"],
        **({"description": partnership["scope"]} if partnership["scope"] else {}),
        "status": CONTRACT_STATUS[partnership["status"]],
        "period": {"startDate": _iso(partnership["start_date"]), "endDate": _iso(partnership["end_date"])},
        "value": _value(partnership["total_cents"]), "dateSigned": _iso(partnership["signed_at"]),
        "implementation": _implementation({}, facts.milestones[partnership["id"]], facts.payments[partnership["id"]],
                                          lambda when: facts.supplier_at(partnership["id"], when),
                                          datetime.max.replace(tzinfo=UTC)),
    }
    if amendments:
        contract["amendments"] = [{"id": str(a["number"]), "date": _iso(a["created_at"]), "rationale": a["rationale"]}
                                  for a in amendments]
    return {"ocid": identifier, "id": f"{identifier}-compiled-{latest}", "date": latest, "tag": ["compiled"],
            "initiationType": "tender", "language": "de",
            "parties": [{**CITY, "roles": ["buyer", "payer", "procuringEntity"]}, {**supplier, "roles": ["supplier", "payee"]}],
            "buyer": CITY, "awards": [{**next(r for r in releases if r["tag"] == ["award"])["awards"][0],
                                       "suppliers": [supplier]}], "contracts": [contract]}


def _package_head(settings, path: str, published: str) -> dict:
    return {"uri": f"{settings.base_url}{path}", "version": "1.1", "publishedDate": published,
            "publisher": {"name": settings.opendata_publisher}, "license": settings.opendata_license,
            "publicationPolicy": f"{settings.base_url}/opendata"}


def build(settings, facts: Facts) -> tuple[bytes, bytes]:
    """(release package, record package) as JSON bytes."""
    per_partnership = [(p, releases_of(settings.ocds_prefix, p, facts)) for p in facts.partnerships]
    releases = [r for _p, rs in per_partnership for r in rs]
    published = max((r["date"] for r in releases), default=_iso(datetime(2026, 1, 1, tzinfo=UTC)))
    release_package = {**_package_head(settings, RELEASE_PACKAGE, published), "releases": releases}
    records = [{"ocid": ocid(settings.ocds_prefix, p),
                "releases": [{"url": f"{settings.base_url}{RELEASE_PACKAGE}#{r['id']}", "date": r["date"], "tag": r["tag"]}
                             for r in rs],
                "compiledRelease": compiled_release(settings.ocds_prefix, p, facts, rs)} for p, rs in per_partnership]
    record_package = {**_package_head(settings, RECORD_PACKAGE, published), "packages": [f"{settings.base_url}{RELEASE_PACKAGE}"],
                      "records": records}
    return msgspec.json.encode(release_package), msgspec.json.encode(record_package)


_FINGERPRINT = """SELECT
 (SELECT COUNT(*) FROM partnerships) AS p, (SELECT MAX(updated_at) FROM partnerships) AS pu,
 (SELECT COUNT(*) FROM milestones) AS m, (SELECT MAX(approved_at) FROM milestones) AS ma,
 (SELECT COUNT(*) FROM milestones WHERE approved_at IS NOT NULL) AS mc,
 (SELECT COUNT(*) FROM payments) AS y, (SELECT MAX(created_at) FROM payments) AS yc,
 (SELECT COUNT(*) FROM amendments) AS a, (SELECT COUNT(*) FROM partnership_supplier_names) AS n,
 (SELECT MAX(o.updated_at) FROM organisations o JOIN partnerships p ON p.organisation = o.id) AS o,
 (SELECT MAX(s.updated_at) FROM submissions s JOIN partnerships p ON p.submission = s.id) AS s,
 (SELECT MAX(c.results_published_at) FROM calls c JOIN partnerships p ON p.call = c.id) AS c"""


@dataclass
class Cached:
    fingerprint: str
    release: bytes
    record: bytes
    etags: tuple[str, str]
    checked: float = 0.0


_cache: dict[str, Cached] = {}
RECHECK_SECONDS = 1.0  # pollers are told max-age=60; one look at the database per second is plenty


async def packages(settings) -> Cached:
    """The packages, rebuilt only when the stored facts changed (one query tells, at most once a
    second per process)."""
    cached = _cache.get(settings.base_url)
    if cached and time.monotonic() - cached.checked < RECHECK_SECONDS:
        return cached
    row = (await Partnership.raw(_FINGERPRINT))[0]
    fingerprint = hashlib.sha256(json.dumps([str(v) for v in row.values()]).encode()).hexdigest()
    if cached and cached.fingerprint == fingerprint:
        cached.checked = time.monotonic()
        return cached
    release, record = build(settings, await load_facts())
    cached = Cached(fingerprint, release, record,
                    tuple(f'"{hashlib.sha256(body).hexdigest()[:32]}"' for body in (release, record)), time.monotonic())
    _cache[settings.base_url] = cached
    return cached


# --- flat exports and public pages ----------------------------------------------------------


async def projects(facts: Facts | None = None) -> list[dict]:
    """Funded projects for the public: progress is the share of tranche amounts met."""
    facts = facts or await load_facts()
    calls = {c["id"]: c for c in await Call.select(Call.id, Call.slug, Call.title)} if facts.partnerships else {}
    rows = []
    for p in facts.partnerships:
        milestones = facts.milestones[p["id"]]
        met = sum(m["amount_cents"] for m in milestones if m["status"] in ("approved", "paid"))
        rows.append({
            "id": p["id"], "reference": f"SCC-{p['year']}-{p['number']}", "title": p["title"], "scope": p["scope"],
            "partner": facts.suppliers[p["id"]]["name"], "anonymous": p["id"] in facts.anonymous, "call": calls.get(p["call"], {}).get("slug", ""),
            "call_title": calls.get(p["call"], {}).get("title", ""), "status": p["status"],
            "start_date": p["start_date"], "end_date": p["end_date"], "total_cents": p["total_cents"],
            "met_cents": met, "paid_cents": sum(y["amount_cents"] for y in facts.payments[p["id"]]),
            "progress": round(100 * met / p["total_cents"]) if p["total_cents"] else 0,
            "milestones": milestones, "payments": facts.payments[p["id"]],
            # each payment to the partner as named when it was made (a later rename starts new rows)
            "payees": {y["id"]: facts.supplier_at(p["id"], y["created_at"])["name"] for y in facts.payments[p["id"]]},
        })
    return rows


def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(("=", "+", "-", "@")) else v for v in row])
    return ("\ufeff" + out.getvalue()).encode()


async def projects_csv() -> bytes:
    rows = await projects()
    return _csv(["reference", "title", "partner", "call", "status", "start_date", "end_date", "total_eur", "met_eur",
                 "paid_eur", "progress_percent"],
                [[r["reference"], r["title"], r["partner"], r["call"], r["status"], r["start_date"].isoformat(),
                  r["end_date"].isoformat(), plain_amount(r["total_cents"]), plain_amount(r["met_cents"]),
                  plain_amount(r["paid_cents"]), r["progress"]] for r in rows])


async def payments_csv() -> bytes:
    rows = await projects()
    titles = {m["id"]: m["title"] for r in rows for m in r["milestones"]}
    return _csv(["reference", "project", "partner", "milestone", "paid_on", "amount_eur"],
                [[r["reference"], r["title"], r["payees"][y["id"]], titles.get(y["milestone"], ""), y["paid_on"].isoformat(),
                  plain_amount(y["amount_cents"])] for r in rows for y in r["payments"]])



async def project(project_id) -> dict | None:
    """One public project, or None when it is not public (not signed, or no such id)."""
    rows = await projects(await load_facts(only=project_id))
    return rows[0] if rows else None
