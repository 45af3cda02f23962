"""The staff's contract forms: the plan editor's fields and the amendment form, read into the
service's input structs (field errors as Problems, as the services raise them)."""

from __future__ import annotations

from datetime import date

from challenge.platform.forms import form_value
from challenge.platform.i18n import N_
from challenge.platform.money import money_field
from challenge.platform.problems import FieldError, Problem
from challenge.platform.security.limits import validated
from partnerships.contracts.schemas import AmendmentIn, MilestoneChange, MilestoneIn, PlanIn

BLANK_ROWS = 3
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


def form_values(data: dict) -> dict:
    """The editor's fields as sent, to show the form again."""
    values = {k: form_value(data, k) for k in PLAN_FIELDS}
    rows, index = [], 1
    while f"m{index}_title" in data:
        rows.append(
            {
                "title": form_value(data, f"m{index}_title"),
                "deliverables": form_value(data, f"m{index}_deliverables"),
                "due_date": form_value(data, f"m{index}_due"),
                "amount": form_value(data, f"m{index}_amount"),
                "position": form_value(data, f"m{index}_position"),
            }
        )
        index += 1
    values["milestones"] = [r for r in rows if r["title"].strip()]
    return values


def editor_rows(values: dict) -> list[dict]:
    """The editor's milestone rows and a few blank ones."""
    return list(values.get("milestones", [])) + [{} for _ in range(BLANK_ROWS)]


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
