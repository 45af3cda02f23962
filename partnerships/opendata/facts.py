"""Everything public about the partnerships, read in a handful of queries.

Names as published: the award release names the partner as the results did (the decision's
snapshot), the contract release as at signing (the partnership's snapshot), and a later rename
is stored once as a SupplierName row (dated by the organisation's change) that becomes a new
release — the old ones keep the old name. Only the privacy rule is live: a student team without
consent to publication is anonymous in every release."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from challenge import db
from challenge.calls.tables import Call
from challenge.organisations.tables import Organisation
from challenge.results.publication import ANONYMOUS_TEAM_DE, is_anonymous
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.tables import (
    Amendment,
    Evidence,
    Milestone,
    Partnership,
    Payment,
    SupplierName,
)

PUBLIC_STATES = ("signed", "active", "completed", "terminated")


def moment_of(value) -> datetime:
    """A date or datetime as an aware datetime (a date at midnight UTC)."""
    return (
        value
        if isinstance(value, datetime)
        else datetime.combine(value, datetime.min.time(), tzinfo=UTC)
    )


@dataclass
class Facts:
    """Everything public about the signed partnerships (or one contract being issued)."""

    partnerships: list[dict]
    milestones: dict
    payments: dict
    amendments: dict
    suppliers: dict  # the partner as named now (latest published name), for compiled views
    published: dict
    anonymous: set
    names: dict  # partnership id -> [(since, name, release suffix or None)], oldest first
    # partnership id -> the entry's first partnership {id, year, number}: a stipend and the same
    # team's pilot are one contracting process (one ocid, that of the first)
    processes: dict = field(default_factory=dict)
    # open-source bonus milestone id -> {repository_url, licence} of its approved evidence
    bonus: dict = field(default_factory=dict)

    def supplier_at(self, partnership_id, moment) -> dict:
        """The partner as published at a moment: the latest name given by then."""
        supplier = self.suppliers[partnership_id]
        timeline = self.names.get(partnership_id) or []
        name = timeline[0][1] if timeline else supplier["name"]
        for since, named, _suffix in timeline:
            if moment_of(since) <= moment_of(moment):
                name = named
        return {
            "id": supplier["id"],
            "name": ANONYMOUS_TEAM_DE if partnership_id in self.anonymous else name,
        }


async def _stored_renames(ids: list) -> dict:
    rows = defaultdict(list)
    if ids:
        for row in (
            await SupplierName.select()
            .where(SupplierName.partnership.is_in(ids))
            .order_by(SupplierName.number)
        ):
            rows[row["partnership"]].append(row)
    return rows


async def _store_rename(partnership: dict, organisation: dict, known: list[dict]) -> bool:
    """Store the partner's new name if it differs from the last one published; True if it did."""
    last = known[-1]["name"] if known else partnership["signed_name"]
    if organisation["name"] == last:
        return False
    since = max(
        [
            organisation["updated_at"] or partnership["signed_at"],
            partnership["signed_at"],
            *(r["changed_at"] for r in known),
        ]
    )
    try:
        async with db.write_transaction():
            await SupplierName(
                partnership=partnership["id"],
                number=(known[-1]["number"] if known else 0) + 1,
                name=organisation["name"],
                changed_at=since,
            ).save()
    except Exception as error:
        if not db.is_unique_violation(error):
            raise
    return True


async def record_renames(partnerships: list[dict], organisations: dict) -> dict:
    """SupplierName rows by partnership, after storing a change of name not seen before: the
    partner's name differs from the last one published (at signing, or the last change). Dated
    by the organisation's last change, so every replica stores the same row (the unique
    (partnership, number) index keeps one)."""
    ids = [p["id"] for p in partnerships if p["signed_at"] is not None]
    rows = await _stored_renames(ids)
    added = False
    for p in partnerships:
        if p["signed_at"] is None or not p["signed_name"]:
            continue
        added = await _store_rename(p, organisations[p["organisation"]], rows[p["id"]]) or added
    return await _stored_renames(ids) if added else rows


async def _children(ids: list) -> tuple[dict, dict, dict]:
    milestones, payments, amendments = defaultdict(list), defaultdict(list), defaultdict(list)
    if not ids:
        return milestones, payments, amendments
    for m in (
        await Milestone.select()
        .where(Milestone.partnership.is_in(ids))
        .order_by(Milestone.position)
    ):
        milestones[m["partnership"]].append(m)
    for p in (
        await Payment.select(
            Payment.id,
            Payment.partnership,
            Payment.milestone,
            Payment.amount_cents,
            Payment.paid_on,
            Payment.created_at,
        )
        .where(Payment.partnership.is_in(ids))
        .order_by(Payment.created_at)
    ):
        payments[p["partnership"]].append(p)
    for a in (
        await Amendment.select(
            Amendment.partnership,
            Amendment.number,
            Amendment.rationale,
            Amendment.created_at,
            Amendment.plan_before,
            Amendment.plan_after,
        )
        .output(load_json=True)
        .where(Amendment.partnership.is_in(ids))
        .order_by(Amendment.number)
    ):
        amendments[a["partnership"]].append(a)
    return milestones, payments, amendments


async def _by_id(table, key, value, ids: list) -> dict:
    if not ids:
        return {}
    return {
        row["id"]: row[value]
        for row in await table.select(table.id, getattr(table, value)).where(
            getattr(table, key).is_in(ids)
        )
    }


async def _names(partnerships: list[dict], organisations: dict, published: dict) -> dict:
    """The partner's names as published over time, per partnership."""
    awarded_as = (
        {
            d["submission"]: d["published_name"]
            for d in await Decision.select(Decision.submission, Decision.published_name).where(
                Decision.submission.is_in([p["submission"] for p in partnerships])
            )
        }
        if partnerships
        else {}
    )
    renames = await record_renames(partnerships, organisations)
    names = {}
    for p in partnerships:
        signed_as = (
            p["signed_name"] or organisations[p["organisation"]]["name"]
        )  # not signed through signed_copy
        awarded = (
            published.get(p["call"]) or p["created_at"],
            awarded_as.get(p["submission"]) or signed_as,
            None,
        )
        signed = [(p["signed_at"], signed_as, None)] if p["signed_at"] is not None else []
        names[p["id"]] = [
            awarded,
            *signed,
            *(
                (r["changed_at"], r["name"], f"supplier-name-{r['number']}")
                for r in renames[p["id"]]
            ),
        ]
    return names


async def _partnerships(only, include_unsigned: bool) -> list[dict]:
    query = Partnership.select().order_by(Partnership.number)
    if not include_unsigned:
        query = query.where(
            Partnership.status.is_in(list(PUBLIC_STATES)) & Partnership.signed_at.is_not_null()
        )
    if isinstance(only, list):  # a page of them
        query = query.where(Partnership.id.is_in(only or [None]))
    elif only is not None:
        query = query.where(Partnership.id == only)
    return await query


async def _processes(partnerships: list[dict]) -> dict:
    """Per partnership the first partnership of its entry (any state, by number)."""
    if not partnerships:
        return {}
    first: dict = {}
    for row in (
        await Partnership.select(
            Partnership.id, Partnership.submission, Partnership.year, Partnership.number
        )
        .where(Partnership.submission.is_in(list({p["submission"] for p in partnerships})))
        .order_by(Partnership.number)
    ):
        first.setdefault(row["submission"], row)
    return {p["id"]: first.get(p["submission"], p) for p in partnerships}


async def _bonus(milestones: dict) -> dict:
    """The public repository and licence of each approved open-source bonus milestone, as its
    approved evidence round states them (no person's data: a URL and an SPDX id)."""
    rounds = {
        m["id"]: m["evidence_round"]
        for rows in milestones.values()
        for m in rows
        if m.get("kind") == "open_source_bonus" and m["approved_at"] is not None
    }
    if not rounds:
        return {}
    bonus = {}
    for e in await Evidence.select(
        Evidence.milestone, Evidence.round, Evidence.repository_url, Evidence.licence
    ).where(Evidence.milestone.is_in(list(rounds))):
        if e["round"] == rounds[e["milestone"]]:
            bonus[e["milestone"]] = {"repository_url": e["repository_url"], "licence": e["licence"]}
    return bonus


async def load_facts(only=None, *, include_unsigned: bool = False) -> Facts:
    """The facts of every signed partnership (or only one, or only those of a list of ids;
    ``include_unsigned`` for a contract being issued before it is signed)."""
    partnerships = await _partnerships(only, include_unsigned)
    milestones, payments, amendments = await _children([p["id"] for p in partnerships])
    organisations = (
        {
            o["id"]: o
            for o in await Organisation.select(
                Organisation.id, Organisation.name, Organisation.kind, Organisation.updated_at
            ).where(Organisation.id.is_in(list({p["organisation"] for p in partnerships})))
        }
        if partnerships
        else {}
    )
    consent = await _by_id(
        Submission, "id", "consent_publication", [p["submission"] for p in partnerships]
    )
    anonymous = {
        p["id"]
        for p in partnerships
        if is_anonymous(organisations[p["organisation"]], consent.get(p["submission"], False))
    }
    published = await _by_id(
        Call, "id", "results_published_at", list({p["call"] for p in partnerships})
    )
    names = await _names(partnerships, organisations, published)
    suppliers = {
        p["id"]: {
            "id": f"ORG-{p['organisation']}",
            "name": ANONYMOUS_TEAM_DE if p["id"] in anonymous else names[p["id"]][-1][1],
        }
        for p in partnerships
    }
    return Facts(
        partnerships,
        milestones,
        payments,
        amendments,
        suppliers,
        published,
        anonymous,
        names,
        await _processes(partnerships),
        await _bonus(milestones),
    )
