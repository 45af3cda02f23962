"""Reviews: per-criterion scores on the round's scale, draft then final; locked after the window."""

from __future__ import annotations

import hashlib
import json
from uuid import UUID

from challenge import db
from challenge.jury.access import juror_may_read
from challenge.jury.services import existing_round
from challenge.jury.tables import Assignment, Review, Round
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.submissions.services import call_of, load


def rubric_version(criteria: list[dict]) -> str:
    """A fingerprint of the rubric a review was scored against."""
    return hashlib.sha256(json.dumps(criteria, sort_keys=True).encode()).hexdigest()


def score_errors(criteria: list[dict], scores: dict, *, final: bool) -> list[FieldError]:
    """What is wrong with the scores: unknown criteria, values off the scale, missing ones when final."""
    errors, keys = [], {c["key"]: c for c in criteria}
    for key, value in scores.items():
        criterion = keys.get(key)
        if criterion is None:
            errors.append(FieldError(f"scores.{key}", N_("There is no such criterion.")))
        elif (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not criterion["scale_min"] <= value <= criterion["scale_max"]
        ):
            errors.append(
                FieldError(f"scores.{key}", N_("Give a whole number on the criterion's scale."))
            )
    if final:
        for key in keys:
            if key not in scores:
                errors.append(
                    FieldError(f"scores.{key}", N_("Score every criterion before finalising."))
                )
    return errors


async def review_context(user, submission_id: UUID, number: int) -> tuple[dict, dict, dict]:
    """The entry, its call and the round — for a juror assigned to the entry in that round."""
    submission = await load(submission_id)
    if submission is None:
        raise not_found(N_("Submission not found"))
    # Scoring takes an assignment in this very round (reading elsewhere, one in any round). The
    # round is looked up, never created, so an unauthorised request writes nothing.
    round_ = await existing_round(submission["call"], number)
    if round_ is None or not await juror_may_read(user, submission, round_["id"]):
        raise not_found(N_("Submission not found"))
    return submission, await call_of(submission["call"]), round_


async def own_review(round_id: UUID, user_id: UUID, submission_id: UUID) -> dict | None:
    """The juror's own review of the entry in the round, if any."""
    return (
        await Review.select()
        .output(load_json=True)
        .where(
            (Review.round == round_id)
            & (Review.juror == user_id)
            & (Review.submission == submission_id)
        )
        .first()
    )


def window_end(call: dict, round_: dict):
    """When the round's reviews lock: its own end, for round 1 by default the call's jury
    window's end (a later round, a pitch after the idea round, has only its own); None: open."""
    closes = round_["ends_at"]
    if closes is None and round_.get("number", 1) == 1:
        closes = call.get("jury_ends_at")
    return closes


def is_final(review: dict | None) -> bool:
    """A final review never changes."""
    return review is not None and review["status"] == "final"


def locked_reason(call: dict, round_: dict, review: dict | None) -> str | None:
    """Why the juror can no longer change the review — ``jury_closed`` or ``review_final``, the
    codes ``save_review`` refuses with — or None while it can change. Pages ask this before
    offering any edit control."""
    closes = window_end(call, round_)
    if closes is not None and clock.now() >= closes:
        return "jury_closed"
    if is_final(review):
        return "review_final"
    return None


def _check_window(call: dict, round_: dict) -> None:
    """Reviews lock when the round's window closes (``window_end``)."""
    if locked_reason(call, round_, None) == "jury_closed":
        raise Problem(
            422,
            "jury_closed",
            N_("The jury window has closed; reviews are locked."),
            extra={"closed_at": window_end(call, round_).isoformat()},
        )


async def _write(
    user, round_: dict, submission_id: UUID, current: dict | None, values: dict
) -> None:
    """Create or update the review; the round's rubric freezes with its first saved review."""
    if current is None:
        await Review(
            round=round_["id"],
            juror=user.id,
            submission=submission_id,
            **{column._meta.name: value for column, value in values.items()},
        ).save()
    else:
        await Review.update({**values, Review.version: current["version"] + 1}).where(
            Review.id == current["id"]
        )
    if round_["rubric_frozen_at"] is None:
        await Round.update({Round.rubric_frozen_at: clock.now()}).where(Round.id == round_["id"])


async def _finish_assignment(
    user, round_: dict, submission_id: UUID, number: int, scores: dict
) -> None:
    """A final review marks the juror's assignment done, audited with the scores."""
    await Assignment.update({Assignment.status: "done"}).where(
        (Assignment.round == round_["id"])
        & (Assignment.juror == user.id)
        & (Assignment.submission == submission_id)
        & (Assignment.status == "assigned")
    )
    await record(
        "jury.review_finalised",
        actor=user,
        object_type="submission",
        object_id=submission_id,
        payload={"round": number, "scores": scores},
    )


async def save_review(
    user,
    submission_id: UUID,
    *,
    number: int,
    scores: dict,
    comment: str = "",
    comments: dict | None = None,
    shareable: bool = False,
    final: bool = False,
) -> dict:
    """Save a draft or finalise; a final review never changes, finalising twice is harmless."""
    _submission, call, round_ = await review_context(user, submission_id, number)
    _check_window(call, round_)
    criteria = round_["criteria"] or []
    values = {
        Review.scores: scores,
        Review.comment: comment.strip(),
        Review.comments: comments or {},
        Review.shareable: shareable,
        Review.rubric_version: rubric_version(criteria),
    }
    if final:
        values.update({Review.status: "final", Review.finalized_at: clock.now()})
    async with (
        db.write_transaction()
    ):  # read, check and write on one connection, one writer at a time
        current = await own_review(round_["id"], user.id, submission_id)
        if is_final(current):
            if final:
                return current  # a second tab finalising the same review: one result, no error
            raise Problem(
                409, "review_final", N_("This review is final and can no longer be changed.")
            )
        errors = score_errors(criteria, scores, final=final)
        if errors:
            raise Problem(
                422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
            )
        await _write(user, round_, submission_id, current, values)
        if final:
            await _finish_assignment(user, round_, submission_id, number, scores)
    return await own_review(round_["id"], user.id, submission_id)


async def others(user, submission_id: UUID, number: int) -> list[dict]:
    """Other jurors' final scores — after finalising one's own, and only if the round allows."""
    _submission, _call, round_ = await review_context(user, submission_id, number)
    mine = await own_review(round_["id"], user.id, submission_id)
    if not round_["share_scores"] or mine is None or mine["status"] != "final":
        raise Problem(
            403,
            "not_yet",
            N_(
                "Other jurors' scores are shown only after you finalise, and only if the round allows it."
            ),
        )
    rows = (
        await Review.select(Review.scores, Review.comment)
        .output(load_json=True)
        .where(
            (Review.round == round_["id"])
            & (Review.submission == submission_id)
            & (Review.status == "final")
            & (Review.juror != user.id)
        )
    )
    return rows
