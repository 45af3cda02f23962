"""The challenge form without JavaScript: plain fields, a few title/address rows for the data
sets, amounts in euros typed the German or English way, one line per extra question."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from challenge.calls.forms import faq_from_text, faq_text, question_line, questions_from_text
from challenge.challenges.schemas import ChallengeIn, ChallengePatch, Dataset, Offer
from challenge.platform.forms import form_value
from challenge.platform.i18n import N_
from challenge.platform.money import MoneyError, format_amount, parse_money
from challenge.platform.problems import FieldError, Problem
from challenge.platform.security.limits import validated

TEXTS = ("title", "problem", "affected", "outcome", "contact_name", "mentor_name", "constraints")
OFFER_TEXTS = ("infrastructure", "staff_access")
MONEY = ("pilot_budget_cents", "stipend_cents")
COUNTS = ("pilot_months", "places")
DATASET_ROWS = 3  # empty rows the form offers beyond the data sets already named


def _invalid(errors: list[FieldError]) -> Problem:
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )


def _dataset_numbers(form: dict[str, Any]) -> list[int]:
    return sorted(
        {
            int(name.rpartition("_")[2])
            for name in form
            if name.startswith(("dataset_title_", "dataset_url_"))
            and name.rpartition("_")[2].isdigit()
            and len(name.rpartition("_")[2]) <= 3
        }
    )


def _datasets(form: dict[str, Any], errors: list[FieldError]) -> list[Dataset]:
    """The filled rows ``dataset_title_N`` / ``dataset_url_N``; a half-filled row is an error."""
    result = []
    for number in _dataset_numbers(form):
        title = form_value(form, f"dataset_title_{number}").strip()
        url = form_value(form, f"dataset_url_{number}").strip()
        if not title and not url:
            continue
        if not title or not url.startswith(("https://", "http://")):
            errors.append(
                FieldError(
                    "datasets", N_("Every data set needs a title and a web address (https://…).")
                )
            )
            return []
        result.append(Dataset(title=title, url=url))
    return result


def _numbers(form: dict[str, Any], locale: str, errors: list[FieldError]) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for name in MONEY:
        try:
            cents = parse_money(form_value(form, name), locale)
        except MoneyError as error:
            errors.append(FieldError(name, error.message))
            continue
        if cents is None:
            errors.append(FieldError(name, N_("Enter an amount in euros, e.g. 12,500.00.")))
        else:
            numbers[name] = cents
    for name in COUNTS:
        try:
            numbers[name] = int(form_value(form, name).strip())
        except ValueError:
            errors.append(FieldError(name, N_("Enter a whole number.")))
    return numbers


def challenge_from_form(form: dict[str, Any], locale: str, unit_id: UUID) -> ChallengeIn:
    """The form's fields as a ChallengeIn — or a Problem naming every field it cannot read."""
    errors: list[FieldError] = []
    datasets = _datasets(form, errors)
    numbers = _numbers(form, locale, errors)
    questions = questions_from_text(form_value(form, "questions"), errors)
    faq = faq_from_text(form_value(form, "faq"))
    if errors:
        raise _invalid(errors)
    texts = {name: form_value(form, name).strip() for name in TEXTS}
    offer = Offer(datasets=datasets, **{n: form_value(form, n).strip() for n in OFFER_TEXTS})
    return validated(
        ChallengeIn(unit_id=unit_id, offer=offer, questions=questions, faq=faq, **texts, **numbers)
    )


def patch_from_form(form: dict[str, Any], locale: str, unit_id: UUID) -> ChallengePatch:
    """Every field of the form as a change (the form always shows them all)."""
    full = challenge_from_form(form, locale, unit_id)
    return ChallengePatch(
        **{name: getattr(full, name) for name in ChallengePatch.__struct_fields__}
    )


def field_errors(problem: Problem) -> dict[str, str]:
    """Problem → messages under the form's field names (``offer.datasets`` → ``datasets``,
    ``questions.0.label`` → ``questions``); a form-level message under "_form"."""
    errors: dict[str, str] = {}
    for error in problem.errors:
        parts = error.field.split(".")
        name = parts[1] if parts[0] == "offer" and len(parts) > 1 else parts[0]
        errors.setdefault(name, error.message)
    return errors or {"_form": problem.detail}


def dataset_rows(values: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(number, title, address) for every row the form shows: the filled ones, then empty rows."""
    filled = [
        (values.get(f"dataset_title_{n}", ""), values.get(f"dataset_url_{n}", ""))
        for n in _dataset_numbers(values)
    ]
    rows = [row for row in filled if row[0] or row[1]] + [("", "")] * DATASET_ROWS
    return [(number, title, url) for number, (title, url) in enumerate(rows)]


def values_of(form: dict[str, Any]) -> dict[str, str]:
    """The typed values, as the form shows them again after an error (nothing is lost)."""
    return {name: form_value(form, name) for name in form if not name.startswith("_")}


def form_from_challenge(row: dict | None, locale: str) -> dict[str, Any]:
    """Form values of a challenge — or the defaults of a new one (25.000 €, 3 places, 2.000 €)."""
    if row is None:
        return {
            "pilot_budget_cents": format_amount(2_500_000, locale),
            "stipend_cents": format_amount(200_000, locale),
            "pilot_months": "6",
            "places": "3",
        }
    offer = row["offer"] or {}
    values: dict[str, Any] = {name: row[name] or "" for name in TEXTS}
    values.update({name: offer.get(name) or "" for name in OFFER_TEXTS})
    values.update({name: format_amount(row[name], locale) for name in MONEY})
    values.update({name: str(row[name]) for name in COUNTS})
    values["questions"] = "\n".join(question_line(q) for q in row["questions"] or [])
    values["faq"] = faq_text(row["faq"] or [])
    for number, dataset in enumerate(offer.get("datasets") or []):
        values[f"dataset_title_{number}"] = dataset.get("title", "")
        values[f"dataset_url_{number}"] = dataset.get("url", "")
    values["unit_id"] = str(row["unit"])
    return values
