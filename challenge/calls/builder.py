"""The call form's row builders for criteria and questions, without JavaScript: the rows as
posted (``criteria-0-name``, ``questions-2-type``, …), the buttons that add, remove and move
rows (``builder=add:questions``, ``remove:criteria:1``, ``up:questions:2``, ``down:…``), the
rows as Criterion and Question, and the service's field names as the page's."""

from __future__ import annotations

import re
from typing import Any

from challenge.calls.schemas import Criterion, Question
from challenge.platform.forms import apply_row, form_value
from challenge.platform.i18n import N_, format_number
from challenge.platform.problems import FieldError

QUESTION_TYPES = ("text", "long_text", "choice", "number", "url", "file")

FIELDS = {
    "criteria": ("key", "name", "weight", "scale_min", "scale_max", "description"),
    "questions": ("key", "label", "type", "required", "choices", "max_length", "help"),
}
MAX_ROWS = 50
_ROW_FIELD = re.compile(r"^(criteria|questions)-(\d{1,3})-([a-z_]+)$")
_ROW_ERROR = re.compile(r"^(criteria|questions)(?:\[(\d+)\]|\.(\d+))(?:\.([a-z_]+))?$")


def rows_from_form(form: dict[str, Any], name: str) -> list[dict[str, str]]:
    """The rows of one builder as posted (text per field), in the order of their numbers."""
    found: dict[int, dict[str, str]] = {}
    for field in form:
        match = _ROW_FIELD.match(field)
        if match and match[1] == name and match[3] in FIELDS[name]:
            found.setdefault(int(match[2]), {})[match[3]] = form_value(form, field).strip()
    rows = [found[number] for number in sorted(found)][:MAX_ROWS]
    return [{field: row.get(field, "") for field in FIELDS[name]} for row in rows]


def blank_row(name: str) -> dict[str, str]:
    """A new row: a short text question, or a criterion weighted 1 on a 0–10 scale."""
    if name == "questions":
        return {field: "text" if field == "type" else "" for field in FIELDS[name]}
    return {**dict.fromkeys(FIELDS[name], ""), "weight": "1", "scale_min": "0", "scale_max": "10"}


def apply_builder(action: str, rows: dict[str, list[dict[str, str]]]) -> None:
    """One builder button: ``add:<list>``, ``remove:<list>:<n>``, ``up:…`` or ``down:…``
    (anything else changes nothing)."""
    verb, _, rest = action.partition(":")
    name, _, number = rest.partition(":")
    items = rows.get(name)
    if items is None:
        return
    index = int(number) if number.isdigit() else -1
    apply_row(items, verb, index, lambda: blank_row(name), MAX_ROWS)


def criterion_row(criterion: dict, locale: str = "de") -> dict[str, str]:
    """A stored criterion as the builder's text fields (the weight in the page's language: 1,5
    or 1.5; both are read back)."""
    weight = criterion.get("weight", 1)
    return {
        "key": criterion.get("key", ""),
        "name": criterion.get("name", ""),
        "weight": format_number(weight, locale),
        "scale_min": str(criterion.get("scale_min", 0)),
        "scale_max": str(criterion.get("scale_max", 10)),
        "description": criterion.get("description") or "",
    }


def question_row(question: dict) -> dict[str, str]:
    """A stored question as the builder's text fields (one choice per line)."""
    return {
        "key": question.get("key", ""),
        "label": question.get("label", ""),
        "type": question.get("type", "text"),
        "required": "1" if question.get("required") else "",
        "choices": "\n".join(question.get("choices") or []),
        "max_length": str(question.get("max_length") or ""),
        "help": question.get("help") or "",
    }


def _number(text: str, field: str, errors: list[FieldError], whole: bool = True):
    try:
        return int(text) if whole else float(text.replace(",", "."))
    except ValueError:
        message = N_("Enter a whole number.") if whole else N_("Enter a number, e.g. 2 or 1.5.")
        errors.append(FieldError(field, message))
        return None


def criteria_from_rows(rows: list[dict[str, str]], errors: list[FieldError]) -> list[Criterion]:
    """The criteria of the builder's rows; a field that is not a number is named in ``errors``."""
    result = []
    for index, row in enumerate(rows):
        field = f"criteria-{index}-"
        weight = _number(row["weight"], field + "weight", errors, whole=False)
        low = _number(row["scale_min"], field + "scale_min", errors)
        high = _number(row["scale_max"], field + "scale_max", errors)
        if weight is None or low is None or high is None:
            continue
        result.append(
            Criterion(
                key=row["key"],
                name=row["name"],
                weight=weight if weight == weight else 0.0,  # NaN is no weight
                scale_min=low,
                scale_max=high,
                description=row["description"] or None,
            )
        )
    return result


def questions_from_rows(rows: list[dict[str, str]], errors: list[FieldError]) -> list[Question]:
    """The questions of the builder's rows; an unknown type or length is named in ``errors``."""
    result = []
    for index, row in enumerate(rows):
        field = f"questions-{index}-"
        if row["type"] not in QUESTION_TYPES:
            errors.append(FieldError(field + "type", N_("Choose the kind of answer.")))
            continue
        limit = (
            _number(row["max_length"], field + "max_length", errors) if row["max_length"] else None
        )
        if row["max_length"] and limit is None:
            continue
        choices = [c.strip() for c in row["choices"].replace(";", "\n").splitlines() if c.strip()]
        result.append(
            Question(
                key=row["key"],
                type=row["type"],
                required=bool(row["required"]),
                label=row["label"],
                choices=choices if row["type"] == "choice" and choices else None,
                max_length=limit,
                help=row["help"] or None,
            )
        )
    return result


def page_errors(errors: dict[str, str], offsets: dict[str, int] | None = None) -> dict[str, str]:
    """The service's field names as the page's (``criteria[1].weight`` → ``criteria-1-weight``;
    ``offsets`` counts rows shown read-only above the builder's first)."""
    offsets = offsets or {}
    result = {}
    for key, message in errors.items():
        match = _ROW_ERROR.match(key)
        if match:
            index = int(match[2] or match[3]) - offsets.get(match[1], 0)
            field = match[4] if match[4] in FIELDS[match[1]] else FIELDS[match[1]][1]
            key = f"{match[1]}-{index}-{field}" if index >= 0 else match[1]
        else:
            key = _DOCUMENT_FIELDS.get(key, key.split("[")[0].split(".")[0])
        result.setdefault(key, message)
    return result


_DOCUMENT_FIELDS = {
    "document_rules.max_files": "max_files",
    "document_rules.max_bytes": "max_mb",
    "document_rules.allowed_types": "allowed_types",
}
