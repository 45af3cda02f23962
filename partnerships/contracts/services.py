"""Partnerships: a contract from an awarded entry, its milestone plan, sending and termination.
Every step is audited; every refusal leaves stored data unchanged. (The signed copy is in
``signing``, amendments in ``amendments``.)"""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.calls.tables import Call
from challenge.organisations.tables import Membership, Organisation
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.documents.tables import Document
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.contracts import documents, policies
from partnerships.contracts.creation import insert, replace_milestones
from partnerships.contracts.rules import (
    TRANSITIONS,
    check_plan,
    invalid,
    invalid_transition,
    overdue,
    partnership_ocid,
    partnership_reference,
)
from partnerships.contracts.schemas import MilestoneIn, PartnershipIn, PlanIn
from partnerships.tables import Milestone, Partnership

FORBIDDEN = N_("You are not allowed to do this.")


def require_staff(actor) -> None:
    """Object rules live here, not only in route guards: every write names who may do it."""
    if not policies.may_manage(actor):
        raise Problem(403, "forbidden", FORBIDDEN)


# --- reading ---------------------------------------------------------------------------


async def get(partnership_id: UUID) -> dict | None:
    """The partnership row, or None."""
    return await Partnership.select().where(Partnership.id == partnership_id).first()


async def milestones_of(partnership_id: UUID) -> list[dict]:
    """The plan's milestones in order, each with its derived ``overdue`` flag."""
    rows = (
        await Milestone.select()
        .where(Milestone.partnership == partnership_id)
        .order_by(Milestone.position)
    )
    for row in rows:
        row["overdue"] = overdue(row)
    return rows


async def visible(user, partnership_id: UUID) -> dict:
    """The partnership if the user may see it — else 404, never 403 (no probing)."""
    row = await get(partnership_id)
    if row is None or user is None or not await policies.may_view(user, row):
        raise not_found(N_("Partnership not found"))
    return row


async def partner_view(user, partnership_id: UUID) -> dict:
    """The partnership in the partner area: its organisation's members, not while a draft; else 404."""
    row = await get(partnership_id)
    if row is None or not await policies.may_see_as_partner(user, row):
        raise not_found(N_("Partnership not found"))
    return row


async def for_submission(submission_id: UUID, kind: str = "partnership") -> UUID | None:
    """The id of the entry's partnership of this kind (stipend, pilot, partnership), if any."""
    row = (
        await Partnership.select(Partnership.id)
        .where((Partnership.submission == submission_id) & (Partnership.kind == kind))
        .first()
    )
    return row["id"] if row else None


async def may_start(user, submission_id: UUID, kind: str = "partnership") -> bool:
    """Whether "Start the partnership" is offered: staff, for an entry without a partnership of
    this kind (the rule ``create`` keeps; the entry's award is checked there)."""
    return policies.may_manage(user) and await for_submission(submission_id, kind) is None


async def process_ocid(prefix: str, partnership: dict) -> str:
    """The ocid a partnership is published under: its entry's first partnership's (a stipend
    and the same team's pilot are one contracting process; see opendata.facts)."""
    first = (
        await Partnership.select(Partnership.year, Partnership.number)
        .where(Partnership.submission == partnership["submission"])
        .order_by(Partnership.number)
        .first()
    )
    return partnership_ocid(prefix, first or partnership)


async def contract_document(user, partnership_id: UUID) -> dict:
    """The issued contract PDF's document row, for someone who may see the partnership."""
    row = await visible(user, partnership_id)
    if row["contract_document"] is None:
        raise not_found(N_("The contract is issued when it is sent."))
    return await Document.select().where(Document.id == row["contract_document"]).first()


async def plan_of(partnership: dict) -> dict:
    """The plan as it stands: what amendments record before and after."""
    return {
        "title": partnership["title"],
        "start_date": partnership["start_date"].isoformat(),
        "end_date": partnership["end_date"].isoformat(),
        "total_cents": partnership["total_cents"],
        "milestones": [
            {
                "id": str(m["id"]),
                "title": m["title"],
                "deliverables": m["deliverables"],
                "due_date": m["due_date"].isoformat(),
                "amount_cents": m["amount_cents"],
            }
            for m in await milestones_of(partnership["id"])
        ],
    }


# --- the contract ------------------------------------------------------------------------


async def _awarded(submission_id: UUID) -> dict:
    row = (
        await Decision.select(
            Decision.outcome,
            Decision.award_cents,
            Decision.call,
            Decision.call.results_published_at.as_alias("published"),
        )
        .where(Decision.submission == submission_id)
        .first()
    )
    if row is None or row["outcome"] not in ("winner", "runner_up") or not row["award_cents"]:
        raise Problem(
            422,
            "not_awarded",
            N_("A partnership starts from an entry with an award."),
            errors=[
                FieldError("submission_id", N_("A partnership starts from an entry with an award."))
            ],
        )
    if row["published"] is None:
        raise Problem(
            422,
            "results_not_published",
            N_("Contracts follow the published results."),
            errors=[FieldError("submission_id", N_("Contracts follow the published results."))],
        )
    return row


async def prefill(submission_id: UUID) -> dict:
    """What a new contract starts with: the team, the entry's title and the award."""
    decision = await _awarded(submission_id)
    entry = (
        await Submission.select(Submission.title, Submission.organisation, Submission.reference)
        .where(Submission.id == submission_id)
        .first()
    )
    organisation = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == entry["organisation"])
        .first()
    )
    return {
        "submission_id": submission_id,
        "title": entry["title"],
        "reference": entry["reference"],
        "organisation": organisation["name"],
        "total_cents": decision["award_cents"],
    }


async def create(actor, data: PartnershipIn) -> dict:
    """A draft contract from an awarded entry (staff); its total never exceeds the award."""
    require_staff(actor)
    errors = check_plan(data)
    if errors:
        raise invalid(errors)
    decision = await _awarded(data.submission_id)
    if data.total_cents > decision["award_cents"]:
        raise invalid([FieldError("total_cents", N_("The total cannot exceed the award."))])
    async with db.write_transaction():
        partnership = await insert(actor, data, kind="partnership")
    return await get(partnership["id"])


async def _limit_errors(partnership: dict, data: PlanIn) -> list[FieldError]:
    """What a stipend or pilot may not exceed when staff edit its draft: the challenge's
    stipend, or its pilot budget (plus the open-source bonus the contract carries)."""
    if partnership["kind"] not in ("stipend", "pilot"):
        return []
    challenge = (
        await Submission.select(
            Submission.challenge.stipend_cents.as_alias("stipend_cents"),
            Submission.challenge.pilot_budget_cents.as_alias("pilot_budget_cents"),
        )
        .where(Submission.id == partnership["submission"])
        .first()
    )
    if not challenge or challenge["stipend_cents"] is None:
        return []
    if partnership["kind"] == "stipend":
        limit = challenge["stipend_cents"]
        message = N_("A stipend agreement cannot exceed the challenge's stipend.")
    else:
        bonus = sum(
            m["amount_cents"]
            for m in await milestones_of(partnership["id"])
            if m["kind"] == "open_source_bonus"
        )
        limit = challenge["pilot_budget_cents"] + bonus
        message = N_("A pilot cannot exceed the challenge's pilot budget (plus its bonus).")
    return [FieldError("total_cents", message)] if data.total_cents > limit else []


async def update_plan(actor, partnership_id: UUID, data: PlanIn) -> dict:
    """Change scope, period, total and milestones (add, remove, reorder) while a draft."""
    require_staff(actor)
    partnership = await get(partnership_id)
    if partnership is None:
        raise not_found(N_("Partnership not found"))
    errors = check_plan(data) + await _limit_errors(partnership, data)
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        await db.lock_row(Partnership, partnership_id)
        if not policies.may_edit_plan(actor, await get(partnership_id)):
            raise Problem(
                409,
                "not_draft",
                N_("Only a draft can be edited; after signing, amend the contract."),
            )
        await Partnership.update(
            {
                Partnership.title: data.title.strip(),
                Partnership.scope: data.scope.strip(),
                Partnership.city_unit: data.city_unit.strip(),
                Partnership.start_date: data.start_date,
                Partnership.end_date: data.end_date,
                Partnership.total_cents: data.total_cents,
            }
        ).where(Partnership.id == partnership_id)
        await replace_milestones(partnership_id, data.milestones)
        await record(
            "partnership.plan_changed",
            actor=actor,
            object_type="partnership",
            object_id=partnership_id,
            payload={"total_cents": data.total_cents, "milestones": len(data.milestones)},
        )
    return await get(partnership_id)


async def transition(
    actor,
    partnership_id: UUID,
    target: str,
    values: dict | None = None,
    payload: dict | None = None,
) -> dict:
    """Inside a write transaction (row locked): move the partnership to ``target`` if its state
    allows it, with ``values`` set and the step audited."""
    current = await get(partnership_id)
    if target not in TRANSITIONS[current["status"]]:
        raise invalid_transition(current["status"], target)
    await Partnership.update({Partnership.status: target, **(values or {})}).where(
        (Partnership.id == partnership_id) & (Partnership.status == current["status"])
    )
    await record(
        f"partnership.{target}",
        actor=actor,
        object_type="partnership",
        object_id=partnership_id,
        payload={"from": current["status"], **(payload or {})},
    )
    return await get(partnership_id)


async def notify(partnership: dict, template: str, base_url: str, **context) -> None:
    """Mail the partner organisation's members (inside the caller's write transaction)."""
    members = await Membership.select(
        Membership.user.email.as_alias("email"), Membership.user.locale.as_alias("locale")
    ).where(Membership.organisation == partnership["organisation"])
    for member in members:
        await enqueue(
            member["email"],
            template,
            locale=member["locale"],
            context={
                "base_url": base_url,
                "title": partnership["title"],
                "reference": partnership_reference(partnership),
                "link": f"{base_url}/partner/partnerships/{partnership['id']}",
                **context,
            },
            scope=str(partnership.get("call") or ""),
        )


def _plan_in(partnership: dict, milestones: list[dict]) -> PlanIn:
    return PlanIn(
        title=partnership["title"],
        scope=partnership["scope"],
        city_unit=partnership["city_unit"],
        start_date=partnership["start_date"],
        end_date=partnership["end_date"],
        total_cents=partnership["total_cents"],
        milestones=[
            MilestoneIn(
                title=m["title"],
                deliverables=m["deliverables"],
                due_date=m["due_date"],
                amount_cents=m["amount_cents"],
            )
            for m in milestones
        ],
    )


async def send(actor, partnership_id: UUID, *, storage, settings) -> dict:
    """draft → sent: the plan must be complete; the contract PDF is issued and the partner's
    members are notified."""
    require_staff(actor)
    partnership = await get(partnership_id)
    if partnership is None:
        raise not_found(N_("Partnership not found"))
    if partnership["kind"] == "stipend" and not await Call.exists().where(
        (Call.id == partnership["call"]) & Call.results_published_at.is_not_null()
    ):  # a stipend follows the published selection
        raise Problem(
            422,
            "results_not_published",
            N_("A stipend agreement is sent once the results are published."),
        )
    errors = check_plan(_plan_in(partnership, await milestones_of(partnership_id)), sending=True)
    if errors:
        raise Problem(422, "plan_incomplete", N_("The plan is not ready to send."), errors=errors)
    if not policies.may_send(actor, partnership):
        raise invalid_transition(partnership["status"], "sent")
    document = await documents.issue_contract(storage, partnership, settings=settings, actor=actor)
    async with db.write_transaction():
        await db.lock_row(Partnership, partnership_id)
        result = await transition(
            actor,
            partnership_id,
            "sent",
            {Partnership.sent_at: clock.now(), Partnership.contract_document: document["id"]},
            payload={"document": str(document["id"])},
        )
        await notify(result, "partnership_sent", settings.base_url)
    return result


async def terminate(actor, partnership_id: UUID, reason: str) -> dict:
    """Staff end a partnership for good, with a reason."""
    require_staff(actor)
    if not reason.strip():
        raise invalid([FieldError("reason", N_("Give a reason."))])
    async with db.write_transaction():
        await db.lock_row(Partnership, partnership_id)
        return await transition(
            actor,
            partnership_id,
            "terminated",
            {
                Partnership.terminated_at: clock.now(),
                Partnership.termination_reason: reason.strip(),
            },
            payload={"reason": reason.strip()},
        )
