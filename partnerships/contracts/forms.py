"""The staff's contract forms: the plan editor's fields and the amendment form, read into the
service's input structs (field errors as Problems, as the services raise them)."""

from __future__ import annotations

from datetime import date

from challenge.platform.forms import apply_row, form_value
from challenge.platform.i18n import N_
from challenge.platform.money import money_field
from challenge.platform.problems import FieldError, Problem
from challenge.platform.security.limits import validated
from partnerships.contracts.schemas import AmendmentIn, MilestoneChange, MilestoneIn, PlanIn

PLAN_FIELDS = ("title", "scope", "city_unit", "start_date", "end_date", "total")


def form_date(value: str, field: str) -> date:
    """A YYYY-MM-DD field, or a 422 naming the field."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError(field, N_("Enter a date as YYYY-MM-DD."))],
        ) from None


def form_cents(value: str, field: str, locale: str) -> int:
    """An amount in euros as the locale writes it, in cents."""
    return money_field(value, field, locale)


def plan_from_form(data: dict, locale: str = "de") -> PlanIn:
    """The editor's fields: the contract, then milestone rows (an empty title removes a row; the
    position numbers order them)."""
    rows = []
    index = 1
    while f"m{index}_title" in data:
        title = form_value(data, f"m{index}_title").strip()
        if title:
            position = form_value(data, f"m{index}_position").strip()
            rows.append(
                (
                    int(position) if position.isdigit() else 1000 + index,
                    index,
                    MilestoneIn(
                        title=title,
                        deliverables=form_value(data, f"m{index}_deliverables"),
                        due_date=form_date(form_value(data, f"m{index}_due"), f"m{index}_due"),
                        amount_cents=form_cents(
                            form_value(data, f"m{index}_amount"), f"m{index}_amount", locale
                        ),
                    ),
                )
            )
        index += 1
    return validated(
        PlanIn(
            title=form_value(data, "title"),
            scope=form_value(data, "scope"),
            city_unit=form_value(data, "city_unit"),
            start_date=form_date(form_value(data, "start_date"), "start_date"),
            end_date=form_date(form_value(data, "end_date"), "end_date"),
            total_cents=form_cents(form_value(data, "total"), "total", locale),
            milestones=[row[2] for row in sorted(rows, key=lambda r: (r[0], r[1]))],
        )
    )


ROW_FIELDS = ("title", "deliverables", "due_date", "amount")
ROW_NAMES = {
    "title": "title",
    "deliverables": "deliverables",
    "due_date": "due",
    "amount": "amount",
}
MAX_ROWS = 40


def typed_rows(data: dict) -> list[dict]:
    """The editor's milestone rows as typed, blank ones included (the row buttons keep them)."""
    rows, index = [], 1
    while f"m{index}_title" in data and index <= MAX_ROWS:
        rows.append(
            {name: form_value(data, f"m{index}_{ROW_NAMES[name]}") for name in ROW_FIELDS}
            | {"position": form_value(data, f"m{index}_position")}
        )
        index += 1
    return rows


def form_values(data: dict) -> dict:
    """The editor's fields as sent, to show the form again (every row as typed)."""
    values = {k: form_value(data, k) for k in PLAN_FIELDS}
    values["milestones"] = typed_rows(data)
    return values


def row_action(data: dict) -> tuple[str, int] | None:
    """The row button pressed (add, remove, up, down and the row's number), or None for a save."""
    action, _sep, number = form_value(data, "row_action").partition("-")
    if action == "add":
        return ("add", 0)
    if action in ("remove", "up", "down") and number.isdigit():
        return (action, int(number))
    return None


def apply_row_action(rows: list[dict], action: tuple[str, int]) -> tuple[list[dict], int]:
    """The rows after a row button (nothing is saved) and the number of the row to focus."""
    rows, (kind, number) = list(rows), action
    focus = apply_row(rows, kind, number - 1, dict, MAX_ROWS)
    return rows, 0 if focus is None else focus + 1


ERROR_FIELDS = {"title": "title", "due_date": "due", "amount_cents": "amount"}


def row_errors(errors: dict, rows: list[dict]) -> dict:
    """The service's ``milestones.<k>.<field>`` errors under the row's own field (``m<i>_due``),
    so the message stands at the field and the error summary links to it (k counts the rows with
    a title, as the plan does)."""
    numbers = [i for i, row in enumerate(rows, start=1) if (row.get("title") or "").strip()]
    mapped = {}
    for key, message in errors.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "milestones" and parts[1].isdigit():
            k = int(parts[1])
            if k < len(numbers) and parts[2] in ERROR_FIELDS:
                mapped[f"m{numbers[k]}_{ERROR_FIELDS[parts[2]]}"] = message
                continue
        mapped["total" if key == "total_cents" else key] = message
    return mapped


def editor_rows(values: dict) -> list[dict]:
    """The editor's milestone rows (one blank row when there is none yet)."""
    return list(values.get("milestones") or []) or [{}]


def _milestone_change(data: dict, m: dict, locale: str) -> MilestoneChange | None:
    key = str(m["id"])
    due, amount = form_value(data, f"{key}_due"), form_value(data, f"{key}_amount")
    deliverables = form_value(data, f"{key}_deliverables")
    change = MilestoneChange(id=m["id"])
    if due and form_date(due, f"{key}_due") != m["due_date"]:
        change.due_date = form_date(due, f"{key}_due")
    if amount and form_cents(amount, f"{key}_amount", locale) != m["amount_cents"]:
        change.amount_cents = form_cents(amount, f"{key}_amount", locale)
    if deliverables != m["deliverables"] and f"{key}_deliverables" in data:
        change.deliverables = deliverables
    if change.due_date or change.amount_cents is not None or change.deliverables is not None:
        return change
    return None


def amendment_from_form(data: dict, milestones: list[dict], locale: str) -> AmendmentIn:
    """The amendment form: a rationale, a new end and total if given, and each milestone's new
    due date, tranche or deliverables where they differ from the plan."""
    changes = [c for c in (_milestone_change(data, m, locale) for m in milestones) if c is not None]
    end, total = form_value(data, "end_date"), form_value(data, "total")
    return AmendmentIn(
        rationale=form_value(data, "rationale"),
        milestones=changes,
        end_date=form_date(end, "end_date") if end else None,
        total_cents=form_cents(total, "total", locale) if total else None,
    )
