"""Pure rules of challenges: which review step may follow which state, what a draft needs,
what a key looks like."""

from __future__ import annotations

import re
from typing import Any

from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError

KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
EDITABLE = ("draft", "changes_requested")  # the unit may change these; proposed waits for staff
REVIEWABLE = ("proposed",)
DECISIONS = {"approve": "approved", "request_changes": "changes_requested", "decline": "declined"}
MAX_DATASETS = 20
LIMITS = {"title": 200, "contact_name": 200, "mentor_name": 200}
TEXT_LIMIT = 20_000


def may_submit(status: str) -> bool:
    """A unit hands in a draft, or a draft staff sent back, for review."""
    return status in EDITABLE


def call_has_opened(call: dict[str, Any], now) -> bool:
    """A published call that has opened keeps its challenges as they are (order, texts)."""
    return call["status"] != "draft" and now >= call["opens_at"]


def next_status(status: str, decision: str) -> str | None:
    """The state after a staff review, or None when the decision does not apply."""
    if status not in REVIEWABLE or decision not in DECISIONS:
        return None
    return DECISIONS[decision]


def key_errors(key: str) -> list[FieldError]:
    """A key is a short slug: lowercase letters, digits and dashes, at most 40 characters."""
    if KEY.match(key or ""):
        return []
    return [
        FieldError(
            "key",
            N_("Use 1 to 40 lowercase letters, digits or dashes (not at the start or end)."),
        )
    ]


def draft_errors(values: dict[str, Any], *, complete: bool) -> list[FieldError]:
    """What is wrong with a challenge's fields; ``complete`` adds what a review needs."""
    errors = []
    if not values.get("title", "").strip():
        errors.append(FieldError("title", N_("Enter a title.")))
    for name, limit in LIMITS.items():
        if len(values.get(name) or "") > limit:
            errors.append(FieldError(name, N_("This text is too long.")))
    for name in ("problem", "affected", "outcome", "constraints"):
        if len(values.get(name) or "") > TEXT_LIMIT:
            errors.append(FieldError(name, N_("This text is too long.")))
    errors += _money_errors(values)
    errors += _dataset_errors((values.get("offer") or {}).get("datasets") or [])
    if complete:
        for name, message in (
            ("problem", N_("Describe the problem.")),
            ("contact_name", N_("Name a contact person.")),
        ):
            if not (values.get(name) or "").strip():
                errors.append(FieldError(name, message))
    return errors


def _money_errors(values: dict[str, Any]) -> list[FieldError]:
    errors = []
    for name, low, high in (
        ("pilot_budget_cents", 0, 100_000_000_00),
        ("stipend_cents", 0, 10_000_000_00),
        ("places", 1, 50),
        ("pilot_months", 1, 60),
    ):
        value = values.get(name)
        if value is not None and not low <= value <= high:
            errors.append(FieldError(name, N_("This value is out of range.")))
    return errors


def _dataset_errors(datasets: list[dict]) -> list[FieldError]:
    if len(datasets) > MAX_DATASETS:
        return [FieldError("offer.datasets", N_("At most 20 data sets."))]
    for dataset in datasets:
        url = dataset.get("url") or ""
        if not dataset.get("title", "").strip() or not url.startswith(("https://", "http://")):
            return [
                FieldError(
                    "offer.datasets",
                    N_("Every data set needs a title and a web address (https://…)."),
                )
            ]
    return []


def places_left(places: int, taken: int) -> int:
    """Development places still free in a challenge."""
    return max(places - taken, 0)


STATUS_LABELS = {
    "draft": N_("Draft"),
    "proposed": N_("Waiting for review"),
    "changes_requested": N_("Changes requested"),
    "approved": N_("Approved for a call"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
}
ACTION_LABELS = {
    "created": N_("Draft started"),
    "submitted": N_("Handed in for review"),
    "comment": N_("Comment"),
    "request_changes": N_("Changes requested"),
    "approve": N_("Approved for a call"),
    "decline": N_("Declined"),
    "attached": N_("Added to a call"),
    "withdrawn": N_("Withdrawn from the call"),
}
UNIT_KIND_LABELS = {
    "city_office": N_("City office"),
    "municipal_company": N_("Municipal company"),
    "other": N_("Other"),
}
