"""The workspace's and the staff page's forms read into the services' input structs; a field
that cannot be read is a 422 naming it, as the services raise them."""

from __future__ import annotations

from datetime import date, datetime

from challenge.platform.forms import form_value
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.money import format_amount, money_field
from challenge.platform.problems import FieldError, Problem
from partnerships.development.phase import PhaseIn
from partnerships.development.workspace.schemas import ChecklistIn, MeetingIn

TEXT_LIMIT = 25_000  # forms cut texts longer than any field allows; the services say so


def invalid(field: str, message: str) -> Problem:
    """A 422 naming one field."""
    return Problem(
        422,
        "validation_error",
        N_("Some fields are missing or invalid."),
        errors=[FieldError(field, message)],
    )


def form_day(data: dict, name: str, *, required: bool = True) -> date | None:
    """A date field (YYYY-MM-DD, as the browser's date input sends it)."""
    value = form_value(data, name).strip()
    if not value and not required:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(name, N_("Enter a date as YYYY-MM-DD.")) from None


def form_moment(data: dict, name: str, *, required: bool = True) -> datetime | None:
    """A datetime-local field: the wall clock in Leipzig, as an aware datetime."""
    value = form_value(data, name).strip()
    if not value and not required:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=BERLIN)
    except ValueError:
        raise invalid(name, N_("Enter a date and time.")) from None


def checklist_from_form(data: dict) -> ChecklistIn:
    """One checklist item's form: status, owner, note, date (optional)."""
    return ChecklistIn(
        status=form_value(data, "status"),
        owner=form_value(data, "owner"),
        note=form_value(data, "note")[:TEXT_LIMIT],
        due_on=form_day(data, "due_on", required=False),
    )


def meeting_from_form(data: dict) -> MeetingIn:
    """The meeting form: when (wall clock in Leipzig), who, the minutes."""
    return MeetingIn(
        held_at=form_moment(data, "held_at"),
        participants=form_value(data, "participants")[:TEXT_LIMIT],
        minutes=form_value(data, "minutes")[:TEXT_LIMIT],
    )


def phase_from_form(data: dict, locale: str) -> PhaseIn:
    """Staff's phase form: start, end, offers due (empty: the last day 23:59:59), bonus cap."""
    cap = money_field(form_value(data, "bonus_cap"), "bonus_cap", locale)
    return PhaseIn(
        starts_on=form_day(data, "starts_on"),
        ends_on=form_day(data, "ends_on"),
        offer_due_at=form_moment(data, "offer_due_at", required=False),
        bonus_cap_cents=cap,
    )


def phase_values(phase: dict, locale: str) -> dict:
    """The phase as the form shows it."""
    due = phase["offer_due_at"].astimezone(BERLIN)
    return {
        "starts_on": phase["starts_on"].isoformat(),
        "ends_on": phase["ends_on"].isoformat(),
        "offer_due_at": due.strftime("%Y-%m-%dT%H:%M:%S"),
        "bonus_cap": format_amount(phase["bonus_cap_cents"], locale),
    }


def values_of(data: dict, names: tuple[str, ...]) -> dict:
    """The submitted values to show the form again."""
    return {name: form_value(data, name) for name in names}
