"""Audit entries as a person reads them: the action and the object in words, the details (the
JSON payload) as labelled values the page formats in its language — never a Python dict.

Each detail is ``{"label": msgid, "known": bool, "kind": …, "value": …}``; kind is one of text,
code (ids, checksums: shown small and verbatim), number, money (cents), filesize, datetime,
date, yes/no (bool), status (value is ``(family, code)``), locale, count (a list of ids: how many),
list (texts) and nested (value is a list of details).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from challenge.platform import statuses
from challenge.platform.audit.labels import DETAILS, OBJECT_TYPES, OTHER_ACTION, action_label
from challenge.platform.i18n import N_

LOCALES = {"de": N_("German"), "en": N_("English")}
# Keys whose values are status codes of a family in challenge.platform.statuses.
STATUS_KEYS = {
    "from": "partnership",
    "outcome": "decision",
    "before": "decision",
    "status": "checklist",
    "role": "role",
    "kind": "partnership_kind",
}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_HASH = re.compile(r"^[0-9a-f]{40,128}$", re.I)
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$|^[a-z]+$")  # snake_case or one lowercase word
_DATETIME_KEYS = ("closes_at", "closed_before", "expires_at", "held_at", "starts_at", "at")
_DATE_KEYS = ("due_on", "paid_on", "start_date", "starts_on", "ends_on")


def describe(entry: dict) -> dict:
    """The entry with ``action_words`` (msgid or None), ``object_words`` and ``details``."""
    return {
        **entry,
        "action_words": action_label(entry["action"]),
        "other_action": OTHER_ACTION,
        "object_words": OBJECT_TYPES.get(entry["object_type"]),
        "details": details(entry.get("payload")),
    }


def details(payload: Any) -> list[dict]:
    """The payload's keys in words and its values ready for the page (empty values left out)."""
    if not isinstance(payload, dict):
        return [] if payload in (None, "", [], {}) else [_item("", payload)]
    return [_item(str(key), value) for key, value in payload.items() if value not in (None, "")]


def _item(key: str, value: Any) -> dict:
    label = DETAILS.get(key)
    kind, shown = _value(key, value)
    return {
        "label": label or key.replace("_", " "),
        "known": label is not None,
        "kind": kind,
        **shown,
    }


def _value(key: str, value: Any) -> tuple[str, dict]:
    if isinstance(value, bool):
        return "yes/no", {"value": value}
    if isinstance(value, int | float):
        return _numeric(key, value)
    if isinstance(value, dict):
        return "nested", {"value": details(value)}
    if isinstance(value, list):
        return _listed(value)
    return _text(key, str(value))


def _numeric(key: str, value: int | float) -> tuple[str, dict]:
    if key.endswith("_cents"):
        return "money", {"value": value}
    if key == "size":
        return "filesize", {"value": value}
    return "number", {"value": value}


def _listed(values: list) -> tuple[str, dict]:
    if values and all(isinstance(v, str) and _UUID.match(v) for v in values):
        return "count", {"value": len(values)}
    return "list", {"value": [str(v) for v in values]}


def _text(key: str, text: str) -> tuple[str, dict]:
    family = STATUS_KEYS.get(key)
    if family is not None and text in statuses.registry().get(family, {}):
        return "status", {"value": (family, text)}
    if key == "locale" and text in LOCALES:
        return "locale", {"value": LOCALES[text]}
    if key in _DATETIME_KEYS or key.endswith("_at"):
        return _parsed(text, datetime.fromisoformat, "datetime")
    if key in _DATE_KEYS or key.endswith("_on"):
        return _parsed(text, date.fromisoformat, "date")
    if _UUID.match(text) or _HASH.match(text):
        return "code", {"value": text}
    if _CODE.match(text):
        return _coded(text)
    return "text", {"value": text}


def _coded(text: str) -> tuple[str, dict]:
    """A code under a key with no family of its own (kind, reason, source, …): its words when
    exactly one family declares it, else the code shown as a code — never as if it were words."""
    families = [family for family, codes in statuses.registry().items() if text in codes]
    words = {statuses.label(family, text) for family in families}
    if len(words) == 1:
        return "status", {"value": (families[0], text)}
    return "code", {"value": text}


def _parsed(text: str, parse, kind: str) -> tuple[str, dict]:
    try:
        return kind, {"value": parse(text)}
    except ValueError:
        return "text", {"value": text}
