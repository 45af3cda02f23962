"""Staff verify the open-source bonus's evidence before approving it: the licence of the latest
evidence is checked against the OSI list and against the licence the offer named; the result
is recorded on the milestone (approval waits for both to hold)."""

from __future__ import annotations

from uuid import UUID

from challenge import db
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from partnerships.contracts.services import FORBIDDEN
from partnerships.development.rules import is_osi_approved
from partnerships.milestones import bonus, policies
from partnerships.milestones.services import milestone_context
from partnerships.tables import Evidence, Milestone


async def verify(actor, milestone_id: UUID) -> dict:
    """Staff record the bonus evidence's verification: {licence, osi_approved, matches_offer,
    by, at}. Only for a bonus milestone whose evidence waits for review."""
    if not policies.may_review(actor):
        raise Problem(403, "forbidden", FORBIDDEN)
    async with db.write_transaction():
        await db.lock_row(Milestone, milestone_id)
        milestone, partnership = await milestone_context(milestone_id)
        if not bonus.is_bonus(milestone):
            raise Problem(422, "not_bonus", N_("Only the open-source bonus is verified."))
        if not policies.may_verify_bonus(actor, milestone):
            raise Problem(
                409,
                "invalid_transition",
                N_("This milestone has no evidence waiting for review."),
                extra={"status": milestone["status"]},
            )
        evidence = (
            await Evidence.select(Evidence.licence, Evidence.repository_url, Evidence.ref)
            .where(
                (Evidence.milestone == milestone_id)
                & (Evidence.round == milestone["evidence_round"])
            )
            .first()
        )
        licence = (evidence or {}).get("licence", "")
        verification = {
            "licence": licence,
            "offer_licence": await bonus.offer_licence(partnership["submission"]),
            "osi_approved": is_osi_approved(licence),
            "by": str(actor.id),
            "by_name": getattr(actor, "name", ""),
            "at": clock.now().isoformat(),
        }
        verification["matches_offer"] = bool(licence) and licence == verification["offer_licence"]
        await Milestone.update({Milestone.verification: verification}).where(
            Milestone.id == milestone_id
        )
        await record(
            "milestone.bonus_verified",
            actor=actor,
            object_type="milestone",
            object_id=milestone_id,
            payload={k: v for k, v in verification.items() if k not in ("by", "by_name")},
        )
    return verification
