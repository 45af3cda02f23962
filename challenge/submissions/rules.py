"""The rules a proposal must meet: answers fit the call's questions; the deadline holds."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem

TITLE_MAX = 200
SUMMARY_MAX = 2000


def answer_errors(questions: list[dict], answers: dict[str, Any], *, complete: bool) -> list[FieldError]:
    """What is wrong with the answers; ``complete`` also demands every required answer."""
    errors = []
    keys = {q["key"] for q in questions}
    for key in answers:
        if key not in keys:
            errors.append(FieldError(f"answers.{key}", N_("There is no such question.")))
    for question in questions:
        key, value = question["key"], answers.get(question["key"])
        field = f"answers.{key}"
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            if complete and question.get("required") and question["type"] != "file":
                errors.append(FieldError(field, N_("Please answer this question.")))
            continue
        kind = question["type"]
        if kind in ("text", "long_text", "url", "choice") and not isinstance(value, str):
            errors.append(FieldError(field, N_("The answer must be text.")))
            continue
        if kind in ("text", "long_text") and question.get("max_length") and len(value) > question["max_length"]:
            errors.append(FieldError(field, N_("The answer is too long.")))
        elif kind == "text" and "\n" in value:
            errors.append(FieldError(field, N_("Use a single line.")))
        elif kind == "choice" and value not in (question.get("choices") or []):
            errors.append(FieldError(field, N_("Choose one of the given answers.")))
        elif kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            errors.append(FieldError(field, N_("Enter a number.")))
        elif kind == "url" and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).hostname):
            errors.append(FieldError(field, N_("Enter a web address starting with https://.")))
    return errors


def proposal_errors(call: dict, data: dict[str, Any], *, complete: bool) -> list[FieldError]:
    errors = []
    if len(data["title"]) > TITLE_MAX:
        errors.append(FieldError("title", N_("Use at most 200 characters.")))
    if len(data["summary"]) > SUMMARY_MAX:
        errors.append(FieldError("summary", N_("Use at most 2000 characters.")))
    categories = call["categories"] or []
    if data["category"] and data["category"] not in categories:
        errors.append(FieldError("category", N_("Choose one of the call's categories.")))
    if complete:
        if not data["title"].strip():
            errors.append(FieldError("title", N_("Give your proposal a title.")))
        if not data["summary"].strip():
            errors.append(FieldError("summary", N_("Summarise your proposal.")))
        if categories and not data["category"]:
            errors.append(FieldError("category", N_("Choose one of the call's categories.")))
    return errors + answer_errors(call["questions"] or [], data["answers"], complete=complete)


def check_deadline(closes_at: datetime, opens_at: datetime, now: datetime) -> None:
    """Refuse changes outside the call's window, to the second (shown in Berlin time)."""
    if now < opens_at:
        raise Problem(422, "call_not_open", N_("This call does not take proposals yet."),
                      extra={"opens_at": opens_at.isoformat()})
    if now >= closes_at:
        raise Problem(422, "deadline_passed", N_("The deadline has passed; nothing was changed."),
                      extra={"closed_at": closes_at.isoformat()})
