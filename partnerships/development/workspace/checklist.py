"""The checklist of framework conditions per selected team: created on first use (once, also
when many requests read it at the same moment — the unique (submission, key) index decides),
then worked through by the city and the team, every change audited with who and when."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from partnerships.development.access import may_work_on_checklist, workspace_entry
from partnerships.development.rules import CHECKLIST, CHECKLIST_OWNER_LABELS
from partnerships.development.tables import CHECKLIST_STATES, ChecklistItem
from partnerships.development.workspace.schemas import ChecklistIn

NOTE_MAX = 5_000
DONE = ("done", "not_needed")
ITEM_NOT_FOUND = N_("There is no such item on the checklist.")


async def _rows(submission_id: UUID) -> list[dict]:
    return (
        await ChecklistItem.select(
            *ChecklistItem.all_columns(), ChecklistItem.updated_by.name.as_alias("updated_by_name")
        )
        .where(ChecklistItem.submission == submission_id)
        .order_by(ChecklistItem.position)
    )


async def _create_missing(actor, submission_id: UUID, present: set[str]) -> None:
    """Insert the conditions not yet on the entry's list in one transaction; a parallel
    request that got there first makes the unique index refuse ours, and theirs stands."""
    try:
        async with db.write_transaction():
            added = []
            for position, (key, title, owner) in enumerate(CHECKLIST):
                if key in present:
                    continue
                await ChecklistItem(
                    submission=submission_id,
                    key=key,
                    title=title,
                    position=position,
                    owner=owner,
                    updated_at=clock.now(),
                ).save()
                added.append(key)
            await record(
                "development.checklist_created",
                actor=actor,
                object_type="submission",
                object_id=submission_id,
                payload={"keys": added},
            )
    except Exception as error:
        if not db.is_unique_violation(error):
            raise


async def checklist_of(actor, submission_id: UUID) -> list[dict]:
    """The entry's checklist in its order, created with the five conditions on first use."""
    rows = await _rows(submission_id)
    present = {row["key"] for row in rows}
    if all(key in present for key, _title, _owner in CHECKLIST):
        return rows
    await _create_missing(actor, submission_id, present)
    return await _rows(submission_id)


def item_errors(data: ChecklistIn) -> list[FieldError]:
    """A known status and owner, a note of sensible length."""
    errors = []
    if data.status not in CHECKLIST_STATES:
        errors.append(FieldError("status", N_("Choose a status from the list.")))
    if data.owner not in CHECKLIST_OWNER_LABELS:
        errors.append(FieldError("owner", N_("Choose the city or the team.")))
    if len(data.note) > NOTE_MAX:
        errors.append(FieldError("note", N_("The note is too long (at most 5,000 characters).")))
    return errors


async def update_item(actor, submission_id: UUID, key: str, data: ChecklistIn) -> dict:
    """Change one item (status, owner, note, date) — audited with what it was before."""
    entry = await workspace_entry(actor, submission_id)
    if not await may_work_on_checklist(actor, entry):
        raise not_found(ITEM_NOT_FOUND)
    rows = {row["key"]: row for row in await checklist_of(actor, submission_id)}
    if key not in rows:
        raise not_found(ITEM_NOT_FOUND)
    errors = item_errors(data)
    if errors:
        raise Problem(
            422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
        )
    before = rows[key]
    values = {
        ChecklistItem.status: data.status,
        ChecklistItem.owner: data.owner,
        ChecklistItem.note: data.note.strip(),
        ChecklistItem.due_on: data.due_on,
        ChecklistItem.updated_by: actor.id,
        ChecklistItem.updated_at: clock.now(),
    }
    async with db.write_transaction():
        await ChecklistItem.update(values).where(ChecklistItem.id == before["id"])
        await record(
            "development.checklist_updated",
            actor=actor,
            object_type="submission",
            object_id=submission_id,
            payload={
                "key": key,
                "before": _audit_view(before),
                "after": {
                    "status": data.status,
                    "owner": data.owner,
                    "note": data.note.strip(),
                    "due_on": data.due_on.isoformat() if data.due_on else None,
                },
            },
        )
    return await ChecklistItem.select().where(ChecklistItem.id == before["id"]).first()


def _audit_view(row: dict) -> dict:
    return {
        "status": row["status"],
        "owner": row["owner"],
        "note": row["note"],
        "due_on": row["due_on"].isoformat() if row["due_on"] else None,
    }


async def progress_of(submission_ids: list[UUID]) -> dict[UUID, int]:
    """Per entry how many conditions are settled (done or not needed); none listed yet is 0."""
    if not submission_ids:
        return {}
    rows = await ChecklistItem.select(ChecklistItem.submission).where(
        ChecklistItem.submission.is_in(submission_ids) & ChecklistItem.status.is_in(list(DONE))
    )
    counts = dict.fromkeys(submission_ids, 0)
    for row in rows:
        counts[row["submission"]] += 1
    return counts
