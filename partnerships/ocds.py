"""OCDS 1.1.5 releases of a partnership (the contract embedded in its PDF now; the open-data
package of issue 9 builds on the same function). No personal data: organisations only, and a
student team without consent appears anonymously."""

from __future__ import annotations

from datetime import UTC, datetime

from challenge.platform import clock
from challenge.platform.money import number_amount
from challenge.results.decisions import public_name

CITY = {"id": "DE-LEIPZIG", "name": "Stadt Leipzig"}
MILESTONE_STATUS = {"planned": "scheduled", "submitted": "scheduled", "changes_requested": "scheduled",
                    "approved": "met", "paid": "met"}
CONTRACT_STATUS = {"draft": "pending", "sent": "pending", "signed": "active", "active": "active",
                   "completed": "active", "terminated": "terminated"}


def ocid(prefix: str, partnership: dict) -> str:
    return f"{prefix}-SCC-{partnership['year']}-{partnership['number']}"


def _value(cents: int) -> dict:
    return {"amount": number_amount(cents), "currency": "EUR"}


def _iso(moment) -> str:
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return f"{moment.isoformat()}T00:00:00Z"


def release(prefix: str, partnership: dict, *, organisation: dict, consent: bool, milestones: list[dict],
            payments: list[dict], amendments: list[dict], tag: list[str], date: datetime | None = None) -> dict:
    """One release with the partnership's state as it is now."""
    identifier = ocid(prefix, partnership)
    supplier = {"id": f"ORG-{organisation['id']}", "name": public_name(organisation, consent)}
    moment = date or clock.now()
    contract = {
        "id": f"{identifier}-contract", "awardID": f"{identifier}-award", "title": partnership["title"],
        "description": partnership["scope"] or None, "status": CONTRACT_STATUS[partnership["status"]],
        "period": {"startDate": _iso(partnership["start_date"]), "endDate": _iso(partnership["end_date"])},
        "value": _value(partnership["total_cents"]),
        "implementation": {
            "milestones": [{
                "id": str(m["id"]), "title": m["title"], "type": "delivery", "description": m["deliverables"] or None,
                "dueDate": _iso(m["due_date"]), "status": MILESTONE_STATUS[m["status"]],
                **({"dateMet": _iso(m["approved_at"])} if m.get("approved_at") else {}),
            } for m in milestones],
            "transactions": [{
                "id": str(p["id"]), "date": _iso(p["paid_on"]), "value": _value(p["amount_cents"]),
                "payer": CITY, "payee": supplier,
            } for p in payments],
        },
    }
    if partnership.get("signed_at"):
        contract["dateSigned"] = _iso(partnership["signed_at"])
    if amendments:
        contract["amendments"] = [{"id": str(a["number"]), "date": _iso(a["created_at"]), "rationale": a["rationale"]}
                                  for a in amendments]
    contract = {k: v for k, v in contract.items() if v is not None}
    return {
        "ocid": identifier, "id": f"{identifier}-{'-'.join(tag)}-{int(moment.timestamp())}", "date": _iso(moment),
        "tag": tag, "initiationType": "tender", "language": "de",
        "parties": [{**CITY, "roles": ["buyer", "payer", "procuringEntity"]},
                    {**supplier, "roles": ["supplier", "payee"]}],
        "buyer": CITY,
        "awards": [{"id": f"{identifier}-award", "title": partnership["title"], "status": "active",
                    "value": _value(partnership["total_cents"]), "suppliers": [supplier]}],
        "contracts": [contract],
    }


def package(prefix: str, releases: list[dict], *, uri: str, publisher: str, license_url: str) -> dict:
    return {"uri": uri, "version": "1.1", "publishedDate": _iso(clock.now()),
            "publisher": {"name": publisher}, "license": license_url, "releases": releases}
