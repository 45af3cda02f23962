"""Proposal drafts: starting a team's proposal and optimistic saves on top of a read version."""

from __future__ import annotations

from uuid import UUID

import msgspec

from challenge import db
from challenge.organisations.policies import is_member
from challenge.platform import clock, idempotency
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem, not_found
from challenge.submissions.rules import check_deadline, proposal_errors
from challenge.submissions.schemas import SubmissionIn, SubmissionPatch
from challenge.submissions.services import (
    challenge_for,
    deadline_for,
    editable,
    invalid,
    load,
    with_questions,
)
from challenge.submissions.snapshots import FIELDS
from challenge.submissions.tables import Submission


def _already_applied(existing: dict, challenge: dict | None) -> Problem:
    if challenge is not None:
        return Problem(
            422,
            "one_per_challenge",
            N_("Your team already has a proposal for this challenge."),
            extra={"submission_id": str(existing["id"]), "challenge": challenge["key"]},
        )
    return Problem(
        409,
        "already_applied",
        N_("Your team already has a proposal for this call."),
        extra={"submission_id": str(existing["id"])},
    )


async def _open_proposal(
    call_id: UUID, organisation_id: UUID, challenge: dict | None
) -> dict | None:
    """The team's proposal that is not withdrawn for the challenge (for the call, on a call
    without challenges) — the keys of the unique indexes submissions_one_open_per_challenge
    and submissions_one_open_per_call."""
    same = (
        Submission.challenge == challenge["id"]
        if challenge is not None
        else (Submission.call == call_id) & Submission.challenge.is_null()
    )
    return (
        await Submission.select(Submission.id)
        .where(
            same & (Submission.organisation == organisation_id) & (Submission.status != "withdrawn")
        )
        .first()
    )


async def create_draft(actor, call: dict, data: SubmissionIn) -> dict:
    """Start a team's proposal for an open call (for one of its challenges, if it has any).

    One proposal per team and challenge that is not withdrawn — per call on a call without
    challenges: a second one, also from parallel requests (the database's unique index
    decides), is refused with 422 ``one_per_challenge`` (409 ``already_applied`` on a call
    without challenges) naming the existing proposal in ``submission_id``."""
    if call["status"] == "draft":
        raise not_found(N_("Call not found"))
    if not await is_member(actor, data.organisation_id):
        raise not_found(N_("Organisation not found"))
    check_deadline(await deadline_for(call, data.organisation_id), call["opens_at"], clock.now())
    challenge = await challenge_for(call, data.challenge)
    if challenge is not None:
        call = with_questions(call, challenge["questions"] or [])
    values = {k: getattr(data, k) for k in FIELDS}
    values["title"], values["summary"] = values["title"].strip(), values["summary"].strip()
    errors = proposal_errors(call, values, complete=False)
    if errors:
        raise invalid(errors)
    try:
        async with db.write_transaction():
            existing = await _open_proposal(call["id"], data.organisation_id, challenge)
            if existing:
                raise _already_applied(existing, challenge)
            submission = Submission(
                call=call["id"],
                challenge=challenge["id"] if challenge else None,
                organisation=data.organisation_id,
                created_by=actor.id,
                created_at=clock.now(),
                **values,
            )
            await submission.save()
            await record(
                "submission.created",
                actor=actor,
                object_type="submission",
                object_id=submission.id,
                payload={
                    "call": call["slug"],
                    "challenge": challenge["key"] if challenge else None,
                },
            )
    except Exception as error:
        if not db.is_unique_violation(error):
            raise
        # the parallel request's
        existing = await _open_proposal(call["id"], data.organisation_id, challenge)
        if existing is None:
            raise
        raise _already_applied(existing, challenge) from None
    return await load(submission.id)


async def update(
    actor, submission_id: UUID, patch: SubmissionPatch, *, claim: idempotency.Claim | None = None
) -> dict:
    """Save changes — only on top of the version the editor read (else 409 with the newer one).

    With an idempotency claim the key is recorded with the new version in the same transaction,
    so a retry of a save whose answer was lost finds it (see challenge.platform.idempotency)."""
    row, call, _deadline = await editable(actor, submission_id)
    changes = {
        k: v
        for k, v in msgspec.structs.asdict(patch).items()
        if k in FIELDS and v is not msgspec.UNSET
    }
    for key in ("title", "summary"):
        if key in changes:
            changes[key] = changes[key].strip()
    if patch.version != row["version"]:
        raise _conflict(row)
    merged = {k: changes.get(k, row[k]) for k in FIELDS}
    errors = proposal_errors(call, merged, complete=False)
    if errors:
        raise invalid(errors)
    try:
        async with db.write_transaction():
            saved = (
                await Submission.update(
                    {
                        **{getattr(Submission, k): v for k, v in changes.items()},
                        Submission.version: row["version"] + 1,
                    }
                )
                .where((Submission.id == submission_id) & (Submission.version == patch.version))
                .returning(Submission.id)
            )
            if not saved:  # another tab saved between our read and this write
                raise _conflict(await load(submission_id))
            await idempotency.record_effect(
                claim, {"submission": str(submission_id), "version": row["version"] + 1}
            )
    except Exception as error:
        if claim is None or not db.is_unique_violation(error):
            raise
        raise _in_progress() from None  # the same key, sent twice at once: the other one saved
    return await load(submission_id)


def _in_progress() -> Problem:
    return Problem(
        409,
        "request_in_progress",
        N_("This request is already being handled. Reload the page to see the result."),
    )


def _conflict(current: dict) -> Problem:
    return Problem(
        409,
        "version_conflict",
        N_(
            "Someone saved this proposal in the meantime. Your text is kept below; compare and save again."
        ),
        extra={"current": {"version": current["version"], **{k: current[k] for k in FIELDS}}},
    )
