"""Money for the whole portal: euro amounts typed in German or English read into integer
cents, and cents shown with Babel the German or English way. Nothing here uses float.

Reading follows the form's language with Babel's rules (``parse_decimal(strict=True)``):
in German "." groups thousands and "," marks the cents ("1.234,50"), in English the
reverse ("1,234.50"). Only ASCII digits, the two separators, spaces between digit groups
and a "€"/"EUR" sign are read. Anything Babel would have to guess at is refused with a
field message instead of being read as another amount:

- "1.234" is 1,234 € in German; in English it has three decimals and is refused.
- "1,234" is 1,234 € in English; in German it has three decimals and is refused.
- "1234.50" in German and "1234,50" in English are refused (wrong decimal mark).
- More than two decimals, a sign, exponents ("1e3") and non-ASCII digits are refused.
- Amounts above ``MAX_CENTS`` (one billion euros) are refused, far below PostgreSQL's BIGINT.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import NumberFormatError, format_currency, format_decimal, parse_decimal

from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem

# One billion euros: every sum the portal stores (budgets, awards, contracts, payments) stays
# far below this, and sums of many such amounts still fit a 64-bit integer.
MAX_CENTS = 1_000_000_000_00
MAX_TYPED = 40  # characters; "1.000.000.000,00 €" has 18
BABEL_LOCALES = {"de": "de_DE", "en": "en_GB"}

MSG_UNREADABLE = N_("Enter an amount in euros, e.g. 12,500.00.")
MSG_DECIMALS = N_("Enter at most two decimal places (cents).")
MSG_NEGATIVE = N_("The amount cannot be negative.")
MSG_TOO_LARGE = N_("This amount is too large.")

_SIGN = re.compile(r"^(?:€|eur)\s*|\s*(?:€|eur)$", re.IGNORECASE)
# A space (also non-breaking or narrow) only between a digit and a group of three digits.
_GROUP_SPACE = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))")
_ALLOWED = re.compile(r"^[0-9.,]+$")


class MoneyError(ValueError):
    """An amount that cannot be read; ``message`` is an untranslated msgid for the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _babel_locale(locale: str | None) -> str:
    return BABEL_LOCALES.get((locale or "de")[:2].lower(), "de_DE")


def parse_money(text: str | None, locale: str | None) -> int | None:
    """Euros as typed in the form's language → integer cents; None for an empty field."""
    value = (text or "").strip()
    value = _SIGN.sub("", value).strip()
    if not value:
        return None
    if len(value) > MAX_TYPED:
        raise MoneyError(MSG_TOO_LARGE)
    if value.startswith("-"):
        raise MoneyError(MSG_NEGATIVE)
    value = _GROUP_SPACE.sub("", value) if locale != "en" else value
    if not _ALLOWED.match(value):
        raise MoneyError(MSG_UNREADABLE)
    try:
        amount = parse_decimal(value, locale=_babel_locale(locale), strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise MoneyError(MSG_UNREADABLE) from None
    if not amount.is_finite():
        raise MoneyError(MSG_UNREADABLE)
    if amount.as_tuple().exponent < -2:
        raise MoneyError(MSG_DECIMALS)
    cents = int(amount.scaleb(2))
    if cents > MAX_CENTS:
        raise MoneyError(MSG_TOO_LARGE)
    return cents


def money_field(
    text: str | None,
    field: str,
    locale: str | None,
    *,
    required: bool = True,
    unreadable: str = MSG_UNREADABLE,
) -> int | None:
    """A form's money field → cents, or a 422 Problem naming the field (an empty optional field → None);
    ``unreadable`` is the field's own message for text that is no amount at all."""
    try:
        cents = parse_money(text, locale)
    except MoneyError as error:
        message = unreadable if error.message == MSG_UNREADABLE else error.message
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError(field, message)],
        ) from None
    if cents is None and required:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError(field, unreadable)],
        )
    return cents


def _euros(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


@lru_cache(maxsize=4096)  # Babel's formatting costs ~50 µs; pages show the same amounts again
def format_money(cents: int | None, locale: str | None) -> str:
    """Integer euro cents for people: "1.234,50 €" (de) or "€1,234.50" (en); "" for None."""
    if cents is None:
        return ""
    return format_currency(_euros(cents), "EUR", locale=_babel_locale(locale))


def format_amount(cents: int | None, locale: str | None) -> str:
    """Cents as a form field's value that ``parse_money`` reads back: "1234,50" or "1234.50"
    (no grouping: what people type into a field)."""
    if cents is None:
        return ""
    return format_decimal(_euros(cents), format="0.00", locale=_babel_locale(locale))


def plain_amount(cents: int) -> str:
    """Cents for machines (CSV, open data): "1234.50", exact for any integer."""
    return str(_euros(cents).quantize(Decimal("0.01")))


def number_amount(cents: int) -> float:
    """Cents as a JSON number of euros for open data (OCDS ``value.amount``): 1234.5."""
    return float(_euros(cents))
