"""The offer form without JavaScript: its fields read into an OfferIn (amounts typed the German
way, "12.500,50"), the fields as typed to show the form again, and its rows (the filled ones
plus a few blank ones; "add a row" adds more)."""

from __future__ import annotations

import re

from challenge.platform.forms import form_value
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem
from partnerships.development.schemas import CostLine, OfferIn, OfferMilestone, OpenSource

BLANK_ROWS = 2
MAX_ROWS = 60
TEXTS = ("scope", "goals", "indicators", "operation", "personal_data", "hosting", "public_summary")
MILESTONE_FIELDS = ("title", "deliverables", "month", "amount")
COST_FIELDS = ("category", "description", "amount")


def _rows(data: dict, prefix: str, fields: tuple[str, ...]) -> list[dict]:
    """The form's rows of one kind as typed, empty ones left out (they remove a row)."""
    rows = []
    for index in range(MAX_ROWS):
        if f"{prefix}{index}_{fields[0]}" not in data:
            break
        row = {name: form_value(data, f"{prefix}{index}_{name}").strip() for name in fields}
        if any(row.values()):
            rows.append(row)
    return rows


def form_values(data: dict) -> dict:
    """The form's fields as typed, to show the form again with its messages."""
    values = {name: form_value(data, name) for name in TEXTS}
    values.update(
        months=form_value(data, "months").strip(),
        followup=form_value(data, "followup").strip(),
        os_intent=bool(form_value(data, "os_intent")),
        os_licence=form_value(data, "os_licence"),
        os_repository_plan=form_value(data, "os_repository_plan"),
        os_ownership=form_value(data, "os_ownership"),
        consent_publication=bool(form_value(data, "consent_publication")),
        milestones=_rows(data, "m", MILESTONE_FIELDS),
        costs=_rows(data, "c", COST_FIELDS),
        typed=True,
    )
    return values


def _cents(text: str, field: str, locale: str, errors: list[FieldError]) -> int:
    from challenge.platform.money import MoneyError, parse_money

    try:
        return parse_money(text, locale) or 0
    except MoneyError as error:
        errors.append(FieldError(field, error.message))
        return 0


def _number(text: str, field: str, errors: list[FieldError], default: int = 0) -> int:
    if not text:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", text):
        errors.append(FieldError(field, N_("Enter a whole number.")))
        return default
    return int(text)


def offer_from_form(data: dict, locale: str = "de") -> tuple[OfferIn, list[FieldError]]:
    """The form as an OfferIn and the fields it could not read (amounts, numbers); the offer's
    own rules are the service's."""
    values, errors = form_values(data), []
    milestones = [
        OfferMilestone(
            title=row["title"],
            deliverables=row["deliverables"],
            month=_number(row["month"], f"milestones.{i}.month", errors),
            amount_cents=_cents(row["amount"], f"milestones.{i}.amount_cents", locale, errors),
        )
        for i, row in enumerate(values["milestones"])
    ]
    costs = [
        CostLine(
            category=row["category"],
            description=row["description"],
            amount_cents=_cents(row["amount"], f"costs.{i}.amount_cents", locale, errors),
        )
        for i, row in enumerate(values["costs"])
    ]
    intent = values["os_intent"]
    offer = OfferIn(
        **{name: values[name].replace("\r\n", "\n") for name in TEXTS},
        months=_number(values["months"], "months", errors, default=6),
        milestones=milestones,
        costs=costs,
        followup_cents_per_year=_cents(
            values["followup"], "followup_cents_per_year", locale, errors
        ),
        open_source=OpenSource(
            intent=intent,
            licence=(values["os_licence"] or None) if intent else None,
            repository_plan=values["os_repository_plan"] if intent else "",
            ownership=values["os_ownership"],
        ),
        consent_publication=values["consent_publication"],
        version=_number(form_value(data, "version").strip(), "version", errors),
    )
    return offer, errors


def values_of(offer: dict) -> dict:
    """A stored offer as the form's fields (amounts as cents; the template formats them)."""
    source = offer["open_source"] or {}
    return {
        **{name: offer[name] for name in TEXTS},
        "months": offer["months"],
        "followup": offer["followup_cents_per_year"],
        "os_intent": bool(source.get("intent")),
        "os_licence": source.get("licence") or "",
        "os_repository_plan": source.get("repository_plan") or "",
        "os_ownership": source.get("ownership") or "",
        "consent_publication": offer["consent_publication"],
        "milestones": [{**m, "amount": m["amount_cents"]} for m in offer["milestones"] or []],
        "costs": [{**c, "amount": c["amount_cents"]} for c in offer["costs"] or []],
        "typed": False,
    }


def rows(values: dict, kind: str, extra: int = 0) -> list[dict]:
    """The rows the form shows: the filled ones and blank ones to add more without JavaScript."""
    filled = list(values.get(kind) or [])
    return filled + [{} for _ in range(min(BLANK_ROWS + extra, MAX_ROWS - len(filled)))]


def unreadable(errors: list[FieldError]) -> Problem:
    """The 422 for fields the form could not read."""
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )
