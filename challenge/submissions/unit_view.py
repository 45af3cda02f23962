"""What the owning unit sees of the proposals to its challenge: nothing before the call's
deadline, afterwards the submitted proposals (without the team's name on a blind call)."""

from __future__ import annotations

from uuid import UUID

from challenge.challenges import intake, placement
from challenge.challenges.policies import may_see_unit_proposals
from challenge.platform import clock
from challenge.platform.i18n import N_
from challenge.platform.pagination import page_within
from challenge.platform.problems import Problem, not_found
from challenge.submissions import services
from challenge.submissions.tables import Submission

PER_PAGE = 50


async def unit_challenge(actor, challenge_id: UUID) -> tuple[dict, dict]:
    """The challenge and its call, for the unit once the call's deadline has passed (403
    ``before_deadline`` until then; 404 for anyone outside the unit and staff)."""
    challenge = await intake.readable(actor, challenge_id)
    call = await placement.call_of(challenge)
    if call is None or call["status"] == "draft":
        raise not_found(N_("Challenge not found"))
    if not await may_see_unit_proposals(actor, challenge, call["closes_at"], clock.now()):
        raise Problem(
            403,
            "before_deadline",
            N_("The proposals can be read after the call's deadline."),
            extra={"closes_at": call["closes_at"].isoformat()},
        )
    return challenge, call


async def proposals_for_unit(actor, challenge_id: UUID, page: int = 1) -> dict:
    """One page of the submitted proposals in reference order for the owning unit: challenge,
    call, rows, total, page and pages (a page past the end shows the last one)."""
    challenge, call = await unit_challenge(actor, challenge_id)
    where = (Submission.challenge == challenge_id) & (Submission.status == "submitted")
    total = await Submission.count().where(where)
    page, pages = page_within(page, total, PER_PAGE)
    rows = (
        await Submission.select(
            Submission.id,
            Submission.reference,
            Submission.title,
            Submission.submitted_at,
            Submission.organisation.name.as_alias("organisation_name"),
        )
        .where(where)
        .order_by(Submission.reference)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    if call["blind_review"]:
        rows = [{**row, "organisation_name": ""} for row in rows]
    return {
        "challenge": challenge,
        "call": call,
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
    }


async def proposal_for_unit(actor, submission_id: UUID) -> dict:
    """One submitted proposal to the unit's challenge, with its call, files and blindness."""
    row = await services.visible(actor, submission_id)
    if not row["challenge"]:
        raise not_found(N_("Submission not found"))
    challenge, _call = await unit_challenge(actor, row["challenge"])
    call = await services.call_for(row)
    blind = bool(call["blind_review"])
    return {
        "submission": {**row, "organisation_name": "" if blind else row["organisation_name"]},
        "challenge": challenge,
        "call": call,
        "blind": blind,
        "documents": await services.documents_of(submission_id),
    }
