"""Who may do what with a milestone: one function per permission, used by the services, the
pages and (as booleans the pages compute with them) the templates."""

from __future__ import annotations

from challenge.organisations.policies import is_member
from challenge.platform.accounts.policies import is_finance, is_staff

WAITING_FOR_EVIDENCE = ("planned", "changes_requested")


async def may_submit_evidence(user, partnership: dict) -> bool:
    """The partner's members report their milestones."""
    return user is not None and await is_member(user, partnership["organisation"])


def awaits_evidence(partnership: dict, milestone: dict) -> bool:
    """A running contract's milestone that is planned or sent back waits for evidence."""
    return partnership["status"] == "active" and milestone["status"] in WAITING_FOR_EVIDENCE


def may_review(user) -> bool:
    """Staff review evidence (two different people approve)."""
    return is_staff(user)


def may_review_milestone(user, milestone: dict) -> bool:
    """Staff review a milestone whose evidence waits."""
    return may_review(user) and milestone["status"] == "submitted"


def may_record_payments(user) -> bool:
    """Finance records payments."""
    return is_finance(user)


def may_pay(user, milestone: dict) -> bool:
    """Finance pays an approved milestone (never someone who reviewed it: ``may_pay_as``)."""
    return may_record_payments(user) and milestone["status"] == "approved"


def may_verify_bonus(user, milestone: dict) -> bool:
    """Staff verify an open-source bonus milestone's evidence while it waits for review."""
    return (
        is_staff(user)
        and milestone.get("kind") == "open_source_bonus"
        and milestone["status"] == "submitted"
    )


def has_reviewed(user, reviewer_ids) -> bool:
    """Whether the user is among the milestone's reviewers (the four-eyes rule's question)."""
    return user is not None and user.id in set(reviewer_ids)


def may_approve(user, milestone: dict, approver_ids) -> bool:
    """Staff approve waiting evidence once: the second approval is a different person's."""
    return may_review_milestone(user, milestone) and not has_reviewed(user, approver_ids)


def may_pay_as(user, milestone: dict, reviewer_ids) -> bool:
    """Finance pays an approved milestone unless they reviewed it themselves (four eyes)."""
    return may_pay(user, milestone) and not has_reviewed(user, reviewer_ids)
