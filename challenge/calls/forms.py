"""The staff call form without JavaScript: plain fields, and row builders for the criteria and
questions (one group of fields per row: ``criteria-0-name``, ``questions-2-type``, …), turned
into a CallIn or per-field messages. The builder's buttons (``builder=add:questions``,
``remove:criteria:1``, ``up:questions:2``, ``down:…``) only rearrange the rows. Lines of the
older text format ("key | type | …") are still read when a form sends them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from challenge.calls.builder import (
    QUESTION_TYPES,
    criteria_from_rows,
    criterion_row,
    question_row,
    questions_from_rows,
    rows_from_form,
)
from challenge.calls.schemas import CallIn, Criterion, DocumentRules, FaqItem, Question
from challenge.platform import theme
from challenge.platform.documents.rules import MB
from challenge.platform.forms import form_value
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.money import MoneyError, format_amount, parse_money
from challenge.platform.problems import FieldError, Problem
from challenge.platform.security.limits import validated

YES = ("ja", "yes", "j", "y", "1", "x", "pflicht", "required")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("|")]


def _local(value: str) -> datetime | None:
    """A datetime-local value (wall clock in Leipzig) as an aware datetime."""
    if not value.strip():
        return None
    return datetime.fromisoformat(value.strip()).replace(tzinfo=BERLIN)


def criteria_from_text(text: str, errors: list[FieldError]) -> list[Criterion]:
    """key | name | weight | lowest | highest | description (optional)"""
    result = []
    for line in _lines(text):
        cells = _cells(line)
        try:
            key, name, weight, low, high = cells[:5]
            result.append(
                Criterion(
                    key=key,
                    name=name,
                    weight=float(weight.replace(",", ".")),
                    scale_min=int(low),
                    scale_max=int(high),
                    description=cells[5] if len(cells) > 5 and cells[5] else None,
                )
            )
        except ValueError:
            errors.append(
                FieldError(
                    "criteria",
                    N_("A criterion line is incomplete: key | name | weight | lowest | highest."),
                )
            )
            break
    return result


def questions_from_text(text: str, errors: list[FieldError]) -> list[Question]:
    """key | type | required (ja/nein) | label | choices separated by ; | max length | help"""
    result = []
    for line in _lines(text):
        cells = _cells(line) + [""] * 7
        key, kind, required, label, choices, max_length, help_text = cells[:7]
        if kind not in QUESTION_TYPES or not label:
            errors.append(
                FieldError(
                    "questions", N_("A question line is incomplete: key | type | required | label.")
                )
            )
            break
        try:
            limit = int(max_length) if max_length else None
        except ValueError:
            errors.append(
                FieldError("questions", N_("A question's length limit must be a whole number."))
            )
            break
        result.append(
            Question(
                key=key,
                type=kind,
                required=required.lower() in YES,
                label=label,
                choices=[c.strip() for c in choices.split(";") if c.strip()] or None,
                max_length=limit,
                help=help_text or None,
            )
        )
    return result


def faq_text(items: list[dict]) -> str:
    """FAQ entries as the form shows them: one "question | answer" per line."""
    return "\n".join(f"{item['question']} | {item['answer']}" for item in items)


def faq_from_text(text: str) -> list[FaqItem]:
    """question | answer"""
    items = []
    for line in _lines(text):
        question, _, answer = line.partition("|")
        if question.strip() and answer.strip():
            items.append(FaqItem(question=question.strip(), answer=answer.strip()))
    return items


_DATES = ("opens_at", "closes_at", "jury_starts_at", "jury_ends_at", "results_at")


def _reader(form: dict[str, Any]):
    """A function giving one form field as stripped text (the first value of a list)."""

    def value(name: str) -> str:
        return form_value(form, name).strip()

    return value


def _dates_from_form(value, errors: list[FieldError]) -> dict[str, datetime | None]:
    dates = {}
    for name in _DATES:
        try:
            dates[name] = _local(value(name))
        except ValueError:
            errors.append(FieldError(name, N_("Enter a date and time.")))
    for name in ("opens_at", "closes_at"):
        if dates.get(name) is None and not any(e.field == name for e in errors):
            errors.append(FieldError(name, N_("Enter a date and time.")))
    return dates


def _amounts_from_form(value, locale: str, errors: list[FieldError]) -> dict[str, int | None]:
    money = {}
    for name in ("budget_cents", "max_award_cents"):
        try:
            money[name] = parse_money(value(name), locale)
        except MoneyError as error:
            errors.append(FieldError(name, error.message))
    return money


def _counts_from_form(value, errors: list[FieldError]) -> tuple[int | None, int, float]:
    """(awards planned, most files, largest file in MB)."""
    try:
        awards = int(value("awards_planned")) if value("awards_planned") else None
        max_files = int(value("max_files") or "0")
        max_mb = float(value("max_mb").replace(",", ".") or "0")
    except ValueError:
        errors.append(FieldError("document_rules.max_files", N_("Enter whole numbers.")))
        return None, 0, 0
    return awards, max_files, max_mb


def _lists_from_form(form, value, errors: list[FieldError]):
    """(criteria, questions) from the builders' rows, or from lines of the older text format."""
    if "criteria" in form and not rows_from_form(form, "criteria"):
        criteria = criteria_from_text(value("criteria"), errors)
    else:
        criteria = criteria_from_rows(rows_from_form(form, "criteria"), errors)
    if "questions" in form and not rows_from_form(form, "questions"):
        questions = questions_from_text(value("questions"), errors)
    else:
        questions = questions_from_rows(rows_from_form(form, "questions"), errors)
    return criteria, questions


def call_from_form(form: dict[str, Any], locale: str = "de") -> CallIn:
    """The form's fields as a CallIn — or a Problem naming every field that cannot be read.
    Amounts are read in the form's language (``locale``)."""
    value = _reader(form)
    errors: list[FieldError] = []
    dates = _dates_from_form(value, errors)
    money = _amounts_from_form(value, locale, errors)
    awards, max_files, max_mb = _counts_from_form(value, errors)
    allowed = form.get("allowed_types", [])
    allowed = [allowed] if isinstance(allowed, str) else list(allowed)
    criteria, questions = _lists_from_form(form, value, errors)
    if errors:
        raise Problem(
            422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
        )
    return validated(
        CallIn(
            slug=value("slug"),
            title=value("title"),
            summary=value("summary"),
            description=value("description"),
            eligibility=value("eligibility"),
            categories=_lines(value("categories")),
            questions=questions,
            criteria=criteria,
            document_rules=DocumentRules(
                max_files=max_files, max_bytes=int(max_mb * MB), allowed_types=allowed
            ),
            faq=faq_from_text(value("faq")),
            budget_cents=money.get("budget_cents") or 0,
            max_award_cents=money.get("max_award_cents"),
            awards_planned=awards,
            blind_review=bool(value("blind_review")),
            **dates,
        )
    )


def _new_call() -> dict[str, Any]:
    """Defaults for a new call: five PDFs of 20 MB, the usual three criteria."""
    return {
        "max_files": "5",
        "max_mb": "20",
        "allowed_types": ["application/pdf"],
        "question_rows": [],
        "criteria_rows": [
            criterion_row(c)
            for c in (
                {"key": "impact", "name": f"Nutzen für {theme.current().city}", "weight": 3},
                {"key": "innovation", "name": "Innovationsgrad", "weight": 2},
                {"key": "feasibility", "name": "Umsetzbarkeit", "weight": 2},
            )
        ],
    }


def _local_text(value: datetime | None) -> str:
    return value.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M") if value else ""


def question_line(q: dict) -> str:
    """A question as one line of the form (key | type | required | label | choices | …)."""
    cells = [
        q["key"],
        q["type"],
        "ja" if q.get("required") else "nein",
        q["label"],
        "; ".join(q.get("choices") or []),
        str(q.get("max_length") or ""),
        q.get("help") or "",
    ]
    return " | ".join(cells).rstrip(" |")


def _texts_of(call: dict, locale: str) -> dict[str, Any]:
    """The call's lists as the form shows them: lines, and the builders' rows."""
    return {
        "categories": "\n".join(call["categories"] or []),
        "criteria_rows": [criterion_row(c, locale) for c in call["criteria"] or []],
        "question_rows": [question_row(q) for q in call["questions"] or []],
        "faq": faq_text(call.get("faq") or []),
    }


def form_from_call(call: dict | None, locale: str = "de") -> dict[str, Any]:
    """Form values for an existing call (or sensible defaults for a new one), amounts written
    the way ``call_from_form`` reads them back in ``locale``."""
    if call is None:
        return _new_call()
    rules = msgspec.convert(call["document_rules"] or {}, DocumentRules)
    return {
        "slug": call["slug"],
        "title": call["title"],
        "summary": call["summary"],
        "description": call["description"],
        "eligibility": call["eligibility"],
        **_texts_of(call, locale),
        **{name: _local_text(call[name]) for name in _DATES},
        "budget_cents": format_amount(call["budget_cents"], locale),
        "max_award_cents": format_amount(call["max_award_cents"], locale),
        "awards_planned": str(call["awards_planned"] or ""),
        "max_files": str(rules.max_files),
        "max_mb": f"{rules.max_bytes / MB:g}",
        "allowed_types": rules.allowed_types,
        "blind_review": call["blind_review"],
    }
