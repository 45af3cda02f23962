"""The owning unit's comments for the jury: after the call's deadline a member of the unit that
posed a challenge may note something on a proposal to it; the challenge's jurors read the notes
on the review page, as the unit's words (no author, no e-mail address). The unit never scores
or decides."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.challenges.policies import is_unit_member, unit_reads_submission
from challenge.challenges.tables import Challenge
from challenge.jury.access import juror_may_read
from challenge.jury.tables import UnitComment
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.submissions.services import load


async def _unit_of(submission: dict) -> dict | None:
    """The unit that posed the proposal's challenge (id and name), or None."""
    if not submission.get("challenge"):
        return None
    return (
        await Challenge.select(Challenge.unit, Challenge.unit.name.as_alias("unit_name"))
        .where(Challenge.id == submission["challenge"])
        .first()
    )


async def may_comment(user, submission: dict) -> bool:
    """A member of the owning unit, once the unit reads the proposal (after the deadline, not a
    draft). Staff read the comments but do not write them for the unit."""
    unit = await _unit_of(submission)
    return (
        unit is not None
        and await is_unit_member(user, unit["unit"])
        and await unit_reads_submission(user, submission)
    )


async def may_read_comments(user, submission: dict) -> bool:
    """Staff, the owning unit's members (as they read the proposal) and the jurors who may read
    the entry (``access.juror_may_read``)."""
    return (
        is_staff(user)
        or await may_comment(user, submission)
        or await juror_may_read(user, submission)
    )


async def add_comment(actor, submission_id: UUID, body: str) -> dict:
    """The unit's note on a proposal to its challenge; 404 for anyone else (and before the
    deadline), 422 for an empty note. Audited."""
    submission = await load(submission_id)
    if submission is None or not await may_comment(actor, submission):
        raise not_found(N_("Submission not found"))
    text = body.strip()
    if not text:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("body", N_("Write a comment."))],
        )
    comment = UnitComment(
        submission=submission_id, author=actor.id, body=text, created_at=clock.now()
    )
    async with db.write_transaction():
        await comment.save()
        await record(
            "jury.unit_comment_added",
            actor=actor,
            object_type="submission",
            object_id=submission_id,
            payload={"comment": str(comment.id)},
        )
    unit = await _unit_of(submission)
    return _out(
        {"id": comment.id, "body": text, "created_at": comment.created_at},
        submission_id,
        unit["unit_name"],
    )


async def comments_for(submission: dict) -> list[dict]:
    """The unit's comments on the proposal, oldest first, as the unit's words (no author)."""
    unit = await _unit_of(submission)
    if unit is None:
        return []
    rows = (
        await UnitComment.select(UnitComment.id, UnitComment.body, UnitComment.created_at)
        .where(UnitComment.submission == submission["id"])
        .order_by(UnitComment.created_at)
        .order_by(UnitComment.id)
    )
    return [_out(row, submission["id"], unit["unit_name"]) for row in rows]


async def readable_comments(user, submission_id: UUID) -> list[dict]:
    """The comments for whoever may read them; 404 for anyone else."""
    submission = await load(submission_id)
    if submission is None or not await may_read_comments(user, submission):
        raise not_found(N_("Submission not found"))
    return await comments_for(submission)


def _out(row: dict, submission_id: UUID, unit_name: str) -> dict:
    return {
        "id": row["id"],
        "submission_id": submission_id,
        "unit": unit_name,
        "body": row["body"],
        "created_at": row["created_at"],
    }
