"""The staff call form without JavaScript: plain fields, and one line per criterion or
question (fields separated by "|"), turned into a CallIn or per-field messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from challenge.calls.schemas import CallIn, Criterion, DocumentRules, FaqItem, Question
from challenge.platform.documents.rules import MB
from challenge.platform.forms import form_value
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.money import MoneyError, format_amount, parse_money
from challenge.platform.problems import FieldError, Problem
from challenge.platform.security.limits import validated

QUESTION_TYPES = ("text", "long_text", "choice", "number", "url", "file")
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
    criteria = criteria_from_text(value("criteria"), errors)
    questions = questions_from_text(value("questions"), errors)
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
        "questions": "",
        "criteria": "impact | Nutzen für Leipzig | 3 | 0 | 10\ninnovation | Innovationsgrad | 2 | 0 | 10\nfeasibility | Umsetzbarkeit | 2 | 0 | 10",
    }


def _local_text(value: datetime | None) -> str:
    return value.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M") if value else ""


def _criterion_line(c: dict) -> str:
    cells = (
        c["key"],
        c["name"],
        f"{c['weight']:g}",
        c["scale_min"],
        c["scale_max"],
        c.get("description") or "",
    )
    return " | ".join(str(x) for x in cells).rstrip(" |")


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


def _texts_of(call: dict) -> dict[str, Any]:
    """The call's lists written one line per item, as the form takes them."""
    return {
        "categories": "\n".join(call["categories"] or []),
        "criteria": "\n".join(_criterion_line(c) for c in call["criteria"] or []),
        "questions": "\n".join(question_line(q) for q in call["questions"] or []),
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
        **_texts_of(call),
        **{name: _local_text(call[name]) for name in _DATES},
        "budget_cents": format_amount(call["budget_cents"], locale),
        "max_award_cents": format_amount(call["max_award_cents"], locale),
        "awards_planned": str(call["awards_planned"] or ""),
        "max_files": str(rules.max_files),
        "max_mb": f"{rules.max_bytes / MB:g}",
        "allowed_types": rules.allowed_types,
        "blind_review": call["blind_review"],
    }
