"""Partnerships: a contract from an awarded entry, its milestone plan, sending, the signed copy,
amendments, evidence, four-eyes reviews and payments. Every step is audited; every refusal
leaves stored data unchanged."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from piccolo.engine.sqlite import SQLiteEngine

from challenge import db
from challenge.organisations.policies import is_member
from challenge.organisations.tables import Membership, Organisation
from challenge.platform import clock
from challenge.platform.accounts.policies import is_finance, is_staff
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.platform.security.limits import Comment, Name
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission
from partnerships.tables import (
    Amendment,
    Milestone,
    Partnership,
)

TRANSITIONS = {  # from → allowed targets
    "draft": ("sent", "terminated"),
    "sent": ("signed", "draft", "terminated"),
    "signed": ("active", "terminated"),
    "active": ("completed", "terminated"),
    "completed": (),
    "terminated": (),
}
APPROVALS_NEEDED = 2
NUMBERING_LOCK = 7_302_001  # advisory lock key for numbering partnerships (PostgreSQL)
TITLE_MAX, TEXT_MAX = 200, 10_000


class MilestoneIn(msgspec.Struct, kw_only=True):
    title: str
    deliverables: Comment = ""
    due_date: date
    amount_cents: int


class PlanIn(msgspec.Struct, kw_only=True):
    title: str
    scope: str = ""
    city_unit: Name = ""  # Partnership.city_unit is Varchar(200)
    start_date: date
    end_date: date
    total_cents: int
    milestones: list[MilestoneIn] = msgspec.field(default_factory=list)


class PartnershipIn(PlanIn, kw_only=True):
    submission_id: UUID


class MilestoneChange(msgspec.Struct, kw_only=True):
    id: UUID | None = None  # None: a new milestone
    title: str | None = None
    deliverables: str | None = None
    due_date: date | None = None
    amount_cents: int | None = None


class AmendmentIn(msgspec.Struct, kw_only=True):
    rationale: str
    start_date: date | None = None
    end_date: date | None = None
    total_cents: int | None = None
    milestones: list[MilestoneChange] = msgspec.field(default_factory=list)



def today() -> date:
    return clock.now().date()


def invalid(errors: list[FieldError]) -> Problem:
    return Problem(422, "validation_error", N_("Some fields are missing or invalid."), errors=errors)



def require_staff(actor) -> None:
    """Object rules live here, not only in route guards: every write names who may do it."""
    if not is_staff(actor):
        raise Problem(403, "forbidden", N_("You are not allowed to do this."))


def overdue(milestone: dict, on: date | None = None) -> bool:
    """Derived: the due date has passed and no evidence is waiting or accepted."""
    return milestone["status"] in ("planned", "changes_requested") and milestone["due_date"] < (on or today())


async def _lock(table, row_id: UUID) -> None:
    """Row lock on PostgreSQL; SQLite's IMMEDIATE write transaction already serialises writers."""
    if not isinstance(db.current_engine(), SQLiteEngine):
        await table.raw(f"SELECT id FROM {table._meta.tablename} WHERE id = {{}} FOR UPDATE", row_id)


# --- reading ---------------------------------------------------------------------------


async def get(partnership_id: UUID) -> dict | None:
    return await Partnership.select().where(Partnership.id == partnership_id).first()


async def milestones_of(partnership_id: UUID) -> list[dict]:
    rows = await Milestone.select().where(Milestone.partnership == partnership_id).order_by(Milestone.position)
    for row in rows:
        row["overdue"] = overdue(row)
    return rows


async def may_view(user, partnership: dict) -> bool:
    """Staff and finance; the partner's members once it is sent (a draft is the city's own work,
    as in the partner area)."""
    if is_staff(user) or is_finance(user):
        return True
    return partnership["status"] != "draft" and await is_member(user, partnership["organisation"])


async def visible(user, partnership_id: UUID) -> dict:
    """The partnership if the user may see it — else 404, never 403 (no probing)."""
    row = await get(partnership_id)
    if row is None or user is None or not await may_view(user, row):
        raise not_found(N_("Partnership not found"))
    return row


async def plan_of(partnership: dict) -> dict:
    """The plan as it stands: what amendments record before and after."""
    return {
        "title": partnership["title"], "start_date": partnership["start_date"].isoformat(),
        "end_date": partnership["end_date"].isoformat(), "total_cents": partnership["total_cents"],
        "milestones": [{"id": str(m["id"]), "title": m["title"], "deliverables": m["deliverables"],
                        "due_date": m["due_date"].isoformat(), "amount_cents": m["amount_cents"]}
                       for m in await milestones_of(partnership["id"])],
    }


# --- the contract ------------------------------------------------------------------------


def _check_plan(data, *, sending: bool = False) -> list[FieldError]:
    errors = []
    if not data.title.strip() or len(data.title) > TITLE_MAX:
        errors.append(FieldError("title", N_("Enter a title of at most 200 characters.")))
    if len(data.scope) > TEXT_MAX:
        errors.append(FieldError("scope", N_("The scope is too long (at most 10,000 characters).")))
    if data.end_date <= data.start_date:
        errors.append(FieldError("end_date", N_("The end must come after the start.")))
    if data.total_cents <= 0:
        errors.append(FieldError("total_cents", N_("The total must be more than zero.")))
    for index, milestone in enumerate(data.milestones):
        if not milestone.title.strip() or len(milestone.title) > TITLE_MAX:
            errors.append(FieldError(f"milestones.{index}.title", N_("Enter a title of at most 200 characters.")))
        if milestone.amount_cents <= 0:
            errors.append(FieldError(f"milestones.{index}.amount_cents", N_("A tranche must be more than zero.")))
        if not data.start_date <= milestone.due_date <= data.end_date:
            errors.append(FieldError(f"milestones.{index}.due_date", N_("Due dates lie within the contract period.")))
    if sending:
        if not data.milestones:
            errors.append(FieldError("milestones", N_("Add at least one milestone.")))
        elif sum(m.amount_cents for m in data.milestones) != data.total_cents:
            errors.append(FieldError("milestones", N_("The tranches must add up to the total.")))
    return errors


async def _awarded(submission_id: UUID) -> dict:
    row = await Decision.select(Decision.outcome, Decision.award_cents, Decision.call,
                                Decision.call.results_published_at.as_alias("published")).where(
        Decision.submission == submission_id).first()
    if row is None or row["outcome"] not in ("winner", "runner_up") or not row["award_cents"]:
        raise Problem(422, "not_awarded", N_("A partnership starts from an entry with an award."),
                      errors=[FieldError("submission_id", N_("A partnership starts from an entry with an award."))])
    if row["published"] is None:
        raise Problem(422, "results_not_published", N_("Contracts follow the published results."),
                      errors=[FieldError("submission_id", N_("Contracts follow the published results."))])
    return row


async def prefill(submission_id: UUID) -> dict:
    """What a new contract starts with: the team, the entry's title and the award."""
    decision = await _awarded(submission_id)
    entry = await Submission.select(Submission.title, Submission.organisation, Submission.reference).where(
        Submission.id == submission_id).first()
    organisation = await Organisation.select(Organisation.name).where(Organisation.id == entry["organisation"]).first()
    return {"submission_id": submission_id, "title": entry["title"], "reference": entry["reference"],
            "organisation": organisation["name"], "total_cents": decision["award_cents"]}


async def _replace_milestones(partnership_id: UUID, milestones: list[MilestoneIn]) -> None:
    await Milestone.delete().where(Milestone.partnership == partnership_id)
    for position, milestone in enumerate(milestones, start=1):
        await Milestone(partnership=partnership_id, position=position, title=milestone.title.strip(),
                        deliverables=milestone.deliverables.strip(), due_date=milestone.due_date,
                        amount_cents=milestone.amount_cents).save()


async def create(actor, data: PartnershipIn) -> dict:
    require_staff(actor)
    errors = _check_plan(data)
    if errors:
        raise invalid(errors)
    decision = await _awarded(data.submission_id)
    entry = await Submission.select(Submission.organisation, Submission.call).where(
        Submission.id == data.submission_id).first()
    if data.total_cents > decision["award_cents"]:
        raise invalid([FieldError("total_cents", N_("The total cannot exceed the award."))])
    async with db.write_transaction():
        if not isinstance(db.current_engine(), SQLiteEngine):
            # numbers come from max + 1: creations queue here (SQLite's write lock does the same)
            await Partnership.raw(f"SELECT pg_advisory_xact_lock({NUMBERING_LOCK})")
        if await Partnership.exists().where(Partnership.submission == data.submission_id):
            raise Problem(409, "partnership_exists", N_("This entry has a partnership already."))
        last = await Partnership.select(Partnership.number).order_by(Partnership.number, ascending=False).first()
        now = clock.now()
        partnership = Partnership(
            number=(last["number"] if last else 0) + 1, year=now.year, call=entry["call"],
            submission=data.submission_id, organisation=entry["organisation"], title=data.title.strip(),
            scope=data.scope.strip(), city_unit=data.city_unit.strip(), start_date=data.start_date,
            end_date=data.end_date, total_cents=data.total_cents, created_by=getattr(actor, "id", None),
            created_at=now)
        await partnership.save()
        await _replace_milestones(partnership.id, data.milestones)
        await record("partnership.created", actor=actor, object_type="partnership", object_id=partnership.id,
                     payload={"submission": str(data.submission_id), "total_cents": data.total_cents})
    return await get(partnership.id)


async def update_plan(actor, partnership_id: UUID, data: PlanIn) -> dict:
    require_staff(actor)
    """Change scope, period, total and milestones (add, remove, reorder) while a draft."""
    partnership = await get(partnership_id)
    if partnership is None:
        raise not_found(N_("Partnership not found"))
    errors = _check_plan(data)
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        await _lock(Partnership, partnership_id)
        current = await get(partnership_id)
        if current["status"] != "draft":
            raise Problem(409, "not_draft", N_("Only a draft can be edited; after signing, amend the contract."))
        await Partnership.update({
            Partnership.title: data.title.strip(), Partnership.scope: data.scope.strip(),
            Partnership.city_unit: data.city_unit.strip(), Partnership.start_date: data.start_date,
            Partnership.end_date: data.end_date, Partnership.total_cents: data.total_cents,
        }).where(Partnership.id == partnership_id)
        await _replace_milestones(partnership_id, data.milestones)
        await record("partnership.plan_changed", actor=actor, object_type="partnership", object_id=partnership_id,
                     payload={"total_cents": data.total_cents, "milestones": len(data.milestones)})
    return await get(partnership_id)


async def _transition(actor, partnership_id: UUID, target: str, values: dict | None = None,
                      payload: dict | None = None) -> dict:
    current = await get(partnership_id)
    if target not in TRANSITIONS[current["status"]]:
        raise Problem(409, "invalid_transition", N_("This step is not possible in the partnership's current state."),
                      extra={"status": current["status"], "target": target})
    await Partnership.update({Partnership.status: target, **(values or {})}).where(
        (Partnership.id == partnership_id) & (Partnership.status == current["status"]))
    await record(f"partnership.{target}", actor=actor, object_type="partnership", object_id=partnership_id,
                 payload={"from": current["status"], **(payload or {})})
    return await get(partnership_id)


async def _members(organisation_id: UUID) -> list[dict]:
    return await Membership.select(Membership.user.email.as_alias("email"), Membership.user.locale.as_alias("locale"),
                                   Membership.user.name.as_alias("name")).where(
        Membership.organisation == organisation_id)


async def _notify(partnership: dict, template: str, base_url: str, **context) -> None:
    for member in await _members(partnership["organisation"]):
        await enqueue(member["email"], template, locale=member["locale"], context={
            "base_url": base_url, "title": partnership["title"], "reference": ocid_number(partnership),
            "link": f"{base_url}/partner/partnerships/{partnership['id']}", **context})


def ocid_number(partnership: dict) -> str:
    return f"SCC-{partnership['year']}-{partnership['number']}"


async def send(actor, partnership_id: UUID, *, storage, settings) -> dict:
    """draft → sent: the plan must be complete; the contract PDF is issued and the partner's
    members are notified."""
    from partnerships.documents import issue_contract

    require_staff(actor)
    partnership = await get(partnership_id)
    if partnership is None:
        raise not_found(N_("Partnership not found"))
    milestones = await milestones_of(partnership_id)
    plan = PlanIn(title=partnership["title"], scope=partnership["scope"], city_unit=partnership["city_unit"],
                  start_date=partnership["start_date"], end_date=partnership["end_date"],
                  total_cents=partnership["total_cents"],
                  milestones=[MilestoneIn(title=m["title"], deliverables=m["deliverables"], due_date=m["due_date"],
                                          amount_cents=m["amount_cents"]) for m in milestones])
    errors = _check_plan(plan, sending=True)
    if errors:
        raise Problem(422, "plan_incomplete", N_("The plan is not ready to send."), errors=errors)
    if partnership["status"] != "draft":
        raise Problem(409, "invalid_transition", N_("This step is not possible in the partnership's current state."),
                      extra={"status": partnership["status"], "target": "sent"})
    document = await issue_contract(storage, partnership, settings=settings, actor=actor)
    async with db.write_transaction():
        await _lock(Partnership, partnership_id)
        result = await _transition(actor, partnership_id, "sent", {
            Partnership.sent_at: clock.now(), Partnership.contract_document: document["id"]},
            payload={"document": str(document["id"])})
        await _notify(result, "partnership_sent", settings.base_url)
    return result


async def signed_copy(actor, partnership_id: UUID, document: dict) -> dict:
    """sent → signed → active: the countersigned PDF is kept with its SHA-256 (staff or the partner)."""
    partnership = await get(partnership_id)
    if partnership is None or not (is_staff(actor) or await is_member(actor, partnership["organisation"])):
        raise Problem(403, "forbidden", N_("You are not allowed to do this."))
    async with db.write_transaction():
        await _lock(Partnership, partnership_id)
        current = await get(partnership_id)
        if current["status"] != "sent":
            raise Problem(409, "invalid_transition", N_("This step is not possible in the partnership's current state."),
                          extra={"status": current["status"], "target": "signed"})
        now = clock.now()
        # the partner's name as signed: what the contract release publishes, whatever it is renamed to
        signed_name = (await Organisation.select(Organisation.name).where(
            Organisation.id == current["organisation"]).first())["name"]
        await _transition(actor, partnership_id, "signed", {
            Partnership.signed_at: now, Partnership.signed_document: document["id"],
            Partnership.signed_sha256: document["sha256"], Partnership.signed_name: signed_name},
            payload={"sha256": document["sha256"], "signed_name": signed_name})
        return await _transition(actor, partnership_id, "active")


async def terminate(actor, partnership_id: UUID, reason: str) -> dict:
    require_staff(actor)
    if not reason.strip():
        raise invalid([FieldError("reason", N_("Give a reason."))])
    async with db.write_transaction():
        await _lock(Partnership, partnership_id)
        return await _transition(actor, partnership_id, "terminated", {
            Partnership.terminated_at: clock.now(), Partnership.termination_reason: reason.strip()},
            payload={"reason": reason.strip()})


async def amend(actor, partnership_id: UUID, data: AmendmentIn, *, storage, settings) -> dict:
    """A numbered amendment after signing: rationale and change set; a new PDF; partner notified."""
    from partnerships.documents import issue_amendment

    require_staff(actor)
    if not data.rationale.strip():
        raise invalid([FieldError("rationale", N_("Give a rationale for the amendment."))])
    async with db.write_transaction():
        await _lock(Partnership, partnership_id)
        partnership = await get(partnership_id)
        if partnership is None:
            raise not_found(N_("Partnership not found"))
        if partnership["status"] not in ("signed", "active"):
            raise Problem(409, "invalid_transition", N_("Only a signed contract is amended."),
                          extra={"status": partnership["status"]})
        before = await plan_of(partnership)
        milestones = {m["id"]: m for m in await milestones_of(partnership_id)}
        start = data.start_date or partnership["start_date"]
        end = data.end_date or partnership["end_date"]
        total = data.total_cents if data.total_cents is not None else partnership["total_cents"]
        errors, changed = [], {}
        for index, change in enumerate(data.milestones):
            if change.id is not None and change.id not in milestones:
                errors.append(FieldError(f"milestones.{index}.id", N_("No such milestone in this contract.")))
                continue
            current = milestones.get(change.id) or {"title": "", "deliverables": "", "due_date": None,
                                                    "amount_cents": 0, "status": "planned", "paid_cents": 0}
            if change.id is not None and current["status"] in ("approved", "paid") and (
                    change.amount_cents is not None or change.due_date is not None):
                errors.append(FieldError(f"milestones.{index}", N_("An approved or paid milestone keeps its amount and date.")))
            merged = {"title": change.title if change.title is not None else current["title"],
                      "deliverables": change.deliverables if change.deliverables is not None else current["deliverables"],
                      "due_date": change.due_date or current["due_date"],
                      "amount_cents": change.amount_cents if change.amount_cents is not None else current["amount_cents"]}
            if not merged["title"].strip() or merged["due_date"] is None or merged["amount_cents"] <= 0:
                errors.append(FieldError(f"milestones.{index}", N_("A new milestone needs a title, a due date and an amount.")))
                continue
            if merged["amount_cents"] < current["paid_cents"]:
                errors.append(FieldError(f"milestones.{index}.amount_cents", N_("A tranche cannot be less than what was paid.")))
            changed[change.id or f"new-{index}"] = merged
        plan = {mid: {"due_date": m["due_date"], "amount_cents": m["amount_cents"]} for mid, m in milestones.items()}
        plan.update({k: {"due_date": v["due_date"], "amount_cents": v["amount_cents"]} for k, v in changed.items()})
        if end <= start:
            errors.append(FieldError("end_date", N_("The end must come after the start.")))
        if any(not start <= m["due_date"] <= end for m in plan.values()):
            errors.append(FieldError("milestones", N_("Due dates lie within the contract period.")))
        if sum(m["amount_cents"] for m in plan.values()) != total:
            errors.append(FieldError("milestones", N_("The tranches must add up to the total.")))
        if not changed and data.start_date is None and data.end_date is None and data.total_cents is None:
            errors.append(FieldError("milestones", N_("The amendment changes nothing.")))
        if errors:
            raise Problem(422, "validation_error", N_("Some fields are missing or invalid."), errors=errors)
        position = max((m["position"] for m in milestones.values()), default=0)
        for key, values in changed.items():
            if isinstance(key, UUID):
                await Milestone.update({Milestone.title: values["title"].strip(), Milestone.deliverables: values["deliverables"],
                                        Milestone.due_date: values["due_date"], Milestone.amount_cents: values["amount_cents"]}
                                       ).where(Milestone.id == key)
            else:
                position += 1
                await Milestone(partnership=partnership_id, position=position, title=values["title"].strip(),
                                deliverables=values["deliverables"], due_date=values["due_date"],
                                amount_cents=values["amount_cents"]).save()
        await Partnership.update({Partnership.start_date: start, Partnership.end_date: end,
                                  Partnership.total_cents: total,
                                  Partnership.plan_version: partnership["plan_version"] + 1}).where(
            Partnership.id == partnership_id)
        last = await Amendment.select(Amendment.number).where(Amendment.partnership == partnership_id).order_by(
            Amendment.number, ascending=False).first()
        number = (last["number"] if last else 0) + 1
        after = await plan_of(await get(partnership_id))
        amendment = Amendment(partnership=partnership_id, number=number, rationale=data.rationale.strip(),
                              changes=msgspec.to_builtins(data), plan_before=before, plan_after=after,
                              created_by=getattr(actor, "id", None), created_at=clock.now())
        await amendment.save()
        await record("partnership.amended", actor=actor, object_type="partnership", object_id=partnership_id,
                     payload={"number": number, "rationale": data.rationale.strip()})
    document = await issue_amendment(storage, await get(partnership_id), amendment.to_dict(), settings=settings, actor=actor)
    await Amendment.update({Amendment.document: document["id"]}).where(Amendment.id == amendment.id)
    async with db.write_transaction():
        await _notify(await get(partnership_id), "partnership_amended", settings.base_url, number=number,
                      rationale=data.rationale.strip())
    return await Amendment.select().output(load_json=True).where(Amendment.id == amendment.id).first()
