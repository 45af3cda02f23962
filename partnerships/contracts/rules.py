"""Pure rules of a contract: its states, when a plan is complete, when a milestone is overdue."""

from __future__ import annotations

from datetime import date

from challenge.platform import clock
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.problems import FieldError, Problem
from challenge.platform.references import ocid, reference

TRANSITIONS = {  # from → allowed targets
    "draft": ("sent", "terminated"),
    "sent": ("signed", "draft", "terminated"),
    "signed": ("active", "terminated"),
    "active": ("completed", "terminated"),
    "completed": (),
    "terminated": (),
}
APPROVALS_NEEDED = 2
TITLE_MAX, TEXT_MAX = 200, 10_000
WAITING_FOR_EVIDENCE = ("planned", "changes_requested")
BONUS_KIND = "open_source_bonus"


def today() -> date:
    """Today in Leipzig by the portal's clock: the calendar contracts, due dates and payments
    are kept in (the payment form's default must pass the payment's own date check)."""
    return clock.now().astimezone(BERLIN).date()


def invalid(errors: list[FieldError]) -> Problem:
    """The 422 answer for field errors."""
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )


def invalid_transition(status: str, target: str | None = None) -> Problem:
    """The 409 answer for a step the partnership's state does not allow."""
    extra = {"status": status} if target is None else {"status": status, "target": target}
    return Problem(
        409,
        "invalid_transition",
        N_("This step is not possible in the partnership's current state."),
        extra=extra,
    )


def overdue(milestone: dict, on: date | None = None) -> bool:
    """Derived: the due date has passed and no evidence is waiting or accepted."""
    return milestone["status"] in WAITING_FOR_EVIDENCE and milestone["due_date"] < (on or today())


def partnership_reference(partnership: dict) -> str:
    """``SCC-<year>-<number>`` of a partnership."""
    return reference(partnership["year"], partnership["number"])


def partnership_ocid(prefix: str, partnership: dict) -> str:
    """The partnership's OCDS contracting-process id."""
    return ocid(prefix, partnership["year"], partnership["number"])


def _check_milestones(data) -> list[FieldError]:
    errors = []
    for index, milestone in enumerate(data.milestones):
        if not milestone.title.strip() or len(milestone.title) > TITLE_MAX:
            errors.append(
                FieldError(
                    f"milestones.{index}.title", N_("Enter a title of at most 200 characters.")
                )
            )
        if milestone.amount_cents <= 0:
            errors.append(
                FieldError(
                    f"milestones.{index}.amount_cents", N_("A tranche must be more than zero.")
                )
            )
        if not data.start_date <= milestone.due_date <= data.end_date:
            errors.append(
                FieldError(
                    f"milestones.{index}.due_date", N_("Due dates lie within the contract period.")
                )
            )
    return errors


def _get(milestone, name: str):
    if isinstance(milestone, dict):
        return milestone.get(name)
    return getattr(milestone, name, None)


def check_plan(data, *, sending: bool = False, kept_cents: int = 0) -> list[FieldError]:
    """Errors of a plan (a PlanIn); ``sending`` adds what a complete contract needs: every
    milestone's amount, the open-source bonus included, adds up to the total. ``kept_cents`` are
    milestones the plan keeps apart from ``data.milestones`` (the bonus, when a caller passes the
    regular milestones only); a bonus milestone is never the only one."""
    errors = []
    if not data.title.strip() or len(data.title) > TITLE_MAX:
        errors.append(FieldError("title", N_("Enter a title of at most 200 characters.")))
    if len(data.scope) > TEXT_MAX:
        errors.append(FieldError("scope", N_("The scope is too long (at most 10,000 characters).")))
    if data.end_date <= data.start_date:
        errors.append(FieldError("end_date", N_("The end must come after the start.")))
    if data.total_cents <= 0:
        errors.append(FieldError("total_cents", N_("The total must be more than zero.")))
    errors += _check_milestones(data)
    if sending:
        regular = [m for m in data.milestones if _get(m, "kind") != BONUS_KIND]
        if not regular:
            errors.append(FieldError("milestones", N_("Add at least one milestone.")))
        elif sum(m.amount_cents for m in data.milestones) + kept_cents != data.total_cents:
            errors.append(FieldError("milestones", N_("The tranches must add up to the total.")))
    return errors
