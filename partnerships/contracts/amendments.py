"""Amendments of a signed contract: a pure rule (:func:`validate_amendment`) decides whether a
change set fits the plan; :func:`amend` applies it, numbers it, issues its PDF and tells the
partner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

import msgspec

from challenge import db
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from partnerships.contracts import documents, policies
from partnerships.contracts.rules import invalid
from partnerships.contracts.schemas import AmendmentIn, MilestoneChange
from partnerships.contracts.services import (
    get,
    milestones_of,
    notify,
    plan_of,
    require_staff,
    visible,
)
from partnerships.tables import Amendment, Milestone, Partnership

LOCKED = ("approved", "paid")  # a met milestone keeps its amount and date
NEW_MILESTONE = {
    "title": "",
    "deliverables": "",
    "due_date": None,
    "amount_cents": 0,
    "status": "planned",
    "paid_cents": 0,
}


@dataclass
class Resolution:
    """What an amendment would make of the plan, and what is wrong with it."""

    start_date: date
    end_date: date
    total_cents: int
    changed: dict = field(default_factory=dict)  # milestone id (or "new-<index>") -> merged values
    errors: list[FieldError] = field(default_factory=list)


def _moves_a_met_milestone(change: MilestoneChange, current: dict) -> bool:
    return (
        change.id is not None
        and current["status"] in LOCKED
        and (change.amount_cents is not None or change.due_date is not None)
    )


def _merged(change: MilestoneChange, current: dict) -> dict:
    """The milestone with the change's values where it gives them."""
    return {
        "title": current["title"] if change.title is None else change.title,
        "deliverables": current["deliverables"]
        if change.deliverables is None
        else change.deliverables,
        "due_date": change.due_date or current["due_date"],
        "amount_cents": current["amount_cents"]
        if change.amount_cents is None
        else change.amount_cents,
    }


def _merge(
    index: int, change: MilestoneChange, milestones: dict
) -> tuple[list[FieldError], dict | None]:
    """One milestone change against the plan: its errors, and the milestone as it would be."""
    if change.id is not None and change.id not in milestones:
        return [
            FieldError(f"milestones.{index}.id", N_("No such milestone in this contract."))
        ], None
    current = milestones.get(change.id) or NEW_MILESTONE
    errors = []
    if _moves_a_met_milestone(change, current):
        errors.append(
            FieldError(
                f"milestones.{index}",
                N_("An approved or paid milestone keeps its amount and date."),
            )
        )
    merged = _merged(change, current)
    if not merged["title"].strip() or merged["due_date"] is None or merged["amount_cents"] <= 0:
        errors.append(
            FieldError(
                f"milestones.{index}",
                N_("A new milestone needs a title, a due date and an amount."),
            )
        )
        return errors, None
    if merged["amount_cents"] < current["paid_cents"]:
        errors.append(
            FieldError(
                f"milestones.{index}.amount_cents",
                N_("A tranche cannot be less than what was paid."),
            )
        )
    return errors, merged


def _check_whole(resolution: Resolution, milestones: dict, change: AmendmentIn) -> list[FieldError]:
    """The plan after the change: period, due dates, tranches against the total, and a change at all."""
    plan = {mid: (m["due_date"], m["amount_cents"]) for mid, m in milestones.items()}
    plan.update({k: (v["due_date"], v["amount_cents"]) for k, v in resolution.changed.items()})
    start, end = resolution.start_date, resolution.end_date
    errors = []
    if end <= start:
        errors.append(FieldError("end_date", N_("The end must come after the start.")))
    if any(not start <= due <= end for due, _amount in plan.values()):
        errors.append(FieldError("milestones", N_("Due dates lie within the contract period.")))
    if sum(amount for _due, amount in plan.values()) != resolution.total_cents:
        errors.append(FieldError("milestones", N_("The tranches must add up to the total.")))
    if (
        not resolution.changed
        and change.start_date is None
        and change.end_date is None
        and change.total_cents is None
    ):
        errors.append(FieldError("milestones", N_("The amendment changes nothing.")))
    return errors


def resolve_amendment(plan: dict, change: AmendmentIn) -> Resolution:
    """The amendment against the plan (``start_date``, ``end_date``, ``total_cents`` and
    ``milestones``: id -> row with title, deliverables, due_date, amount_cents, status,
    paid_cents): the resulting period, total and milestones, with every error found."""
    milestones = plan["milestones"]
    resolution = Resolution(
        start_date=change.start_date or plan["start_date"],
        end_date=change.end_date or plan["end_date"],
        total_cents=plan["total_cents"] if change.total_cents is None else change.total_cents,
    )
    for index, milestone_change in enumerate(change.milestones):
        errors, merged = _merge(index, milestone_change, milestones)
        resolution.errors += errors
        if merged is not None:
            resolution.changed[milestone_change.id or f"new-{index}"] = merged
    resolution.errors += _check_whole(resolution, milestones, change)
    return resolution


def validate_amendment(plan: dict, change: AmendmentIn) -> list[FieldError]:
    """Pure: what is wrong with applying ``change`` to ``plan`` (empty when it may be applied)."""
    return resolve_amendment(plan, change).errors


async def _apply(partnership: dict, resolution: Resolution, milestones: dict) -> None:
    position = max((m["position"] for m in milestones.values()), default=0)
    for key, values in resolution.changed.items():
        if isinstance(key, UUID):
            await Milestone.update(
                {
                    Milestone.title: values["title"].strip(),
                    Milestone.deliverables: values["deliverables"],
                    Milestone.due_date: values["due_date"],
                    Milestone.amount_cents: values["amount_cents"],
                }
            ).where(Milestone.id == key)
        else:
            position += 1
            await Milestone(
                partnership=partnership["id"],
                position=position,
                title=values["title"].strip(),
                deliverables=values["deliverables"],
                due_date=values["due_date"],
                amount_cents=values["amount_cents"],
            ).save()
    await Partnership.update(
        {
            Partnership.start_date: resolution.start_date,
            Partnership.end_date: resolution.end_date,
            Partnership.total_cents: resolution.total_cents,
            Partnership.plan_version: partnership["plan_version"] + 1,
        }
    ).where(Partnership.id == partnership["id"])


async def _record(actor, partnership: dict, data: AmendmentIn, before: dict) -> Amendment:
    last = (
        await Amendment.select(Amendment.number)
        .where(Amendment.partnership == partnership["id"])
        .order_by(Amendment.number, ascending=False)
        .first()
    )
    number = (last["number"] if last else 0) + 1
    after = await plan_of(await get(partnership["id"]))
    amendment = Amendment(
        partnership=partnership["id"],
        number=number,
        rationale=data.rationale.strip(),
        changes=msgspec.to_builtins(data),
        plan_before=before,
        plan_after=after,
        created_by=getattr(actor, "id", None),
        created_at=clock.now(),
    )
    await amendment.save()
    await record(
        "partnership.amended",
        actor=actor,
        object_type="partnership",
        object_id=partnership["id"],
        payload={"number": number, "rationale": data.rationale.strip()},
    )
    return amendment


async def _amend_plan(actor, partnership_id: UUID, data: AmendmentIn) -> Amendment:
    async with db.write_transaction():
        await db.lock_row(Partnership, partnership_id)
        partnership = await get(partnership_id)
        if partnership is None:
            raise not_found(N_("Partnership not found"))
        if not policies.may_amend(actor, partnership):
            raise Problem(
                409,
                "invalid_transition",
                N_("Only a signed contract is amended."),
                extra={"status": partnership["status"]},
            )
        before = await plan_of(partnership)
        milestones = {m["id"]: m for m in await milestones_of(partnership_id)}
        resolution = resolve_amendment({**partnership, "milestones": milestones}, data)
        if resolution.errors:
            raise invalid(resolution.errors)
        await _apply(partnership, resolution, milestones)
        return await _record(actor, partnership, data, before)


async def amend(actor, partnership_id: UUID, data: AmendmentIn, *, storage, settings) -> dict:
    """A numbered amendment after signing: rationale and change set; a new PDF; partner notified."""
    require_staff(actor)
    if not data.rationale.strip():
        raise invalid([FieldError("rationale", N_("Give a rationale for the amendment."))])
    amendment = await _amend_plan(actor, partnership_id, data)
    document = await documents.issue_amendment(
        storage, await get(partnership_id), amendment.to_dict(), settings=settings, actor=actor
    )
    await Amendment.update({Amendment.document: document["id"]}).where(Amendment.id == amendment.id)
    async with db.write_transaction():
        await notify(
            await get(partnership_id),
            "partnership_amended",
            settings.base_url,
            number=amendment.number,
            rationale=data.rationale.strip(),
        )
    return (
        await Amendment.select().output(load_json=True).where(Amendment.id == amendment.id).first()
    )


async def amendments_of(user, partnership_id: UUID) -> list[dict]:
    """Every version of the plan, for someone who may see the partnership: each amendment with
    the plan before and after it."""
    await visible(user, partnership_id)
    return (
        await Amendment.select()
        .output(load_json=True)
        .where(Amendment.partnership == partnership_id)
        .order_by(Amendment.number)
    )
