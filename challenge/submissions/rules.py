"""The rules a proposal must meet: answers fit the call's questions; the deadline holds."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem

TITLE_MAX = 200
SUMMARY_MAX = 2000


_TEXT_KINDS = ("text", "long_text", "url", "choice")


def answer_errors(
    questions: list[dict], answers: dict[str, Any], *, complete: bool
) -> list[FieldError]:
    """What is wrong with the answers; ``complete`` also demands every required answer."""
    keys = {q["key"] for q in questions}
    errors = [
        FieldError(f"answers.{key}", N_("There is no such question."))
        for key in answers
        if key not in keys
    ]
    for question in questions:
        message = answer_error(question, answers.get(question["key"]), complete=complete)
        if message is not None:
            errors.append(FieldError(f"answers.{question['key']}", message))
    return errors


def answer_error(question: dict, value: Any, *, complete: bool) -> str | None:
    """What is wrong with one answer to one question (a message id), or None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        required = complete and question.get("required") and question["type"] != "file"
        return N_("Please answer this question.") if required else None
    kind = question["type"]
    if kind in _TEXT_KINDS and not isinstance(value, str):
        return N_("The answer must be text.")
    check = _CHECKS.get(kind)
    return check(question, value) if check else None


def _text_error(question: dict, value: str) -> str | None:
    if question.get("max_length") and len(value) > question["max_length"]:
        return N_("The answer is too long.")
    if question["type"] == "text" and "\n" in value:
        return N_("Use a single line.")
    return None


def _choice_error(question: dict, value: str) -> str | None:
    if value not in (question.get("choices") or []):
        return N_("Choose one of the given answers.")
    return None


def _number_error(question: dict, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return N_("Enter a number.")
    return None


def _url_error(question: dict, value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return N_("Enter a web address starting with https://.")
    return None


_CHECKS = {
    "text": _text_error,
    "long_text": _text_error,
    "choice": _choice_error,
    "number": _number_error,
    "url": _url_error,
}


def proposal_errors(call: dict, data: dict[str, Any], *, complete: bool) -> list[FieldError]:
    """What is wrong with a proposal's title, summary, category and answers."""
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
        raise Problem(
            422,
            "call_not_open",
            N_("This call does not take proposals yet."),
            extra={"opens_at": opens_at.isoformat()},
        )
    if now >= closes_at:
        raise Problem(
            422,
            "deadline_passed",
            N_("The deadline has passed; nothing was changed."),
            extra={"closed_at": closes_at.isoformat()},
        )
