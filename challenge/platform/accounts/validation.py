"""Checks on what people type about themselves: e-mail addresses, names, profiles."""

from __future__ import annotations

import unicodedata

from challenge.platform.i18n import LOCALES, N_
from challenge.platform.problems import FieldError


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding whitespace."""
    return email.strip().lower()


_EMAIL_FORBIDDEN = set(' <>,;:"()[]\\')


def email_errors(email: str) -> list[FieldError]:
    """One plain address: no display names, lists, brackets, spaces or control characters."""
    local, at, domain = email.partition("@")
    if (
        not at
        or not local
        or "." not in domain.strip(".")
        or "@" in domain
        or len(email) > 320
        or any(ch in _EMAIL_FORBIDDEN or ord(ch) < 33 or ord(ch) == 127 for ch in email)
    ):
        return [FieldError("email", N_("Enter a valid e-mail address."))]
    return []


# Bidirectional overrides and isolates: they make a name display as something else.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_single_line(text: str) -> bool:
    """No line breaks, tabs, other control characters or bidi overrides (names, titles)."""
    return not any(
        unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in _BIDI_CONTROLS for ch in text
    )


def name_errors(name: str, field: str = "name") -> list[FieldError]:
    """A name is one line of text: line breaks and control characters are refused."""
    if is_single_line(name):
        return []
    return [FieldError(field, N_("Use a single line without line breaks or control characters."))]


def profile_errors(name: str, locale: str, affiliation: str = "") -> list[FieldError]:
    errors = []
    if not name.strip() or len(name) > 200:
        errors.append(FieldError("name", N_("Enter your name (at most 200 characters).")))
    else:
        errors.extend(name_errors(name))
    if not is_single_line(affiliation):
        errors.extend(name_errors(affiliation, "affiliation"))
    if locale not in LOCALES:
        errors.append(FieldError("locale", N_("Choose German or English.")))
    if len(affiliation) > 200:
        errors.append(FieldError("affiliation", N_("Use at most 200 characters.")))
    return errors
