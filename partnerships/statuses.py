"""The statuses this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

from challenge.platform.i18n import N_
from challenge.platform.statuses import family
from partnerships.development.rules import (
    CHECKLIST_STATUS_LABELS,
    OFFER_STATUS_LABELS,
    PARTNERSHIP_KIND_LABELS,
)

STATUSES = {
    "partnership": {
        "draft": (N_("Draft"), "info"),
        "sent": (N_("Sent"), "info"),
        "signed": (N_("Signed"), "success"),
        "active": (N_("Active"), "success"),
        "completed": (N_("Completed"), "success"),
        "terminated": (N_("Terminated"), "danger"),
    },
    "milestone": {
        "planned": (N_("Planned"), "info"),
        "submitted": (N_("Evidence submitted"), "info"),
        "changes_requested": (N_("Changes requested"), "warning"),
        "approved": (N_("Approved"), "success"),
        "paid": (N_("Paid"), "success"),
        "overdue": (N_("Overdue"), "danger"),
    },
    # a milestone's money: nothing paid yet, part of the tranche, all of it
    "payment": {
        "open": (N_("Not paid yet"), "info"),
        "partly": (N_("Partly paid"), "warning"),
        "paid": (N_("Paid"), "success"),
    },
    "offer": {
        "none": (N_("Not started yet"), "info"),
        **family(OFFER_STATUS_LABELS, {"draft": "info", "submitted": "success"}),
    },
    # the development workspace's checklist, in the workspace's own words
    "checklist": family(
        CHECKLIST_STATUS_LABELS,
        {"open": "warning", "in_progress": "info", "done": "success", "not_needed": "success"},
    ),
    "partnership_kind": family(
        PARTNERSHIP_KIND_LABELS, {"partnership": "info", "stipend": "info", "pilot": "info"}
    ),
}


def milestone_code(milestone: dict, partnership: dict | None = None) -> str:
    """The milestone's badge: its status, or "overdue" when the due date has passed on a running
    contract and nothing has been handed in, approved or paid yet."""
    running = partnership is None or partnership.get("status") == "active"
    if running and milestone.get("overdue"):
        return "overdue"
    return milestone.get("status") or ""


def payment_code(milestone: dict) -> str:
    """open, partly or paid: how much of the tranche has been paid."""
    paid = milestone.get("paid_cents") or 0
    if paid <= 0:
        return "open"
    return "paid" if paid >= (milestone.get("amount_cents") or 0) else "partly"
