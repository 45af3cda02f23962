"""Creating a partnership of any kind (partnership, stipend, pilot): numbering under a lock,
one per entry and kind, its milestones; the callers check who may and what the entry earned."""

from __future__ import annotations

from uuid import UUID

from piccolo.engine.sqlite import SQLiteEngine

from challenge import db
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem, not_found
from challenge.submissions.tables import Submission
from partnerships.contracts.schemas import MilestoneIn, PartnershipIn
from partnerships.tables import Milestone, Partnership

NUMBERING_LOCK = 7_302_001  # advisory lock key for numbering partnerships (PostgreSQL)


async def replace_milestones(partnership_id: UUID, milestones: list[MilestoneIn]) -> None:
    """The plan's regular milestones; an open-source bonus milestone stays as it is, last."""
    await Milestone.delete().where(
        (Milestone.partnership == partnership_id) & (Milestone.kind == "regular")
    )
    await Milestone.update({Milestone.position: len(milestones) + 1}).where(
        Milestone.partnership == partnership_id
    )
    for position, milestone in enumerate(milestones, start=1):
        await Milestone(
            partnership=partnership_id,
            position=position,
            title=milestone.title.strip(),
            deliverables=milestone.deliverables.strip(),
            due_date=milestone.due_date,
            amount_cents=milestone.amount_cents,
        ).save()


async def _next_number() -> int:
    """Numbers come from max + 1: creations queue here (SQLite's write lock does the same)."""
    if not isinstance(db.current_engine(), SQLiteEngine):
        await Partnership.raw(f"SELECT pg_advisory_xact_lock({NUMBERING_LOCK})")
    last = (
        await Partnership.select(Partnership.number)
        .order_by(Partnership.number, ascending=False)
        .first()
    )
    return (last["number"] if last else 0) + 1


async def insert(actor, data: PartnershipIn, *, kind: str) -> dict:
    """Inside the caller's write transaction: a draft partnership of ``kind`` (partnership,
    stipend, pilot) for the entry, numbered, with its milestones, audited. One per entry and
    kind (409 ``partnership_exists``; the unique index partnerships_submission_kind decides
    under races). The caller checks who may and what the entry earned."""
    entry = (
        await Submission.select(Submission.organisation, Submission.call)
        .where(Submission.id == data.submission_id)
        .first()
    )
    if entry is None:
        raise not_found(N_("Proposal not found"))
    number = await _next_number()
    if await Partnership.exists().where(
        (Partnership.submission == data.submission_id) & (Partnership.kind == kind)
    ):
        raise Problem(409, "partnership_exists", N_("This entry has a partnership already."))
    now = clock.now()
    partnership = Partnership(
        number=number,
        year=now.year,
        call=entry["call"],
        submission=data.submission_id,
        organisation=entry["organisation"],
        kind=kind,
        title=data.title.strip(),
        scope=data.scope.strip(),
        city_unit=data.city_unit.strip(),
        start_date=data.start_date,
        end_date=data.end_date,
        total_cents=data.total_cents,
        created_by=getattr(actor, "id", None),
        created_at=now,
    )
    await partnership.save()
    await replace_milestones(partnership.id, data.milestones)
    await record(
        "partnership.created",
        actor=actor,
        object_type="partnership",
        object_id=partnership.id,
        payload={
            "submission": str(data.submission_id),
            "kind": kind,
            "total_cents": data.total_cents,
        },
    )
    return await Partnership.select().where(Partnership.id == partnership.id).first()
