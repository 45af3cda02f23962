"""challenge/platform/money.py: amounts typed in German or English read into integer cents, or
refused with a field message; cents shown the German or English way. Pure unit tests."""

import pytest

from challenge.platform.money import (
    MAX_CENTS,
    MSG_DECIMALS,
    MSG_NEGATIVE,
    MSG_TOO_LARGE,
    MSG_UNREADABLE,
    MoneyError,
    format_amount,
    format_money,
    parse_money,
    plain_amount,
)
from challenge.platform.problems import Problem

ACCEPTED = [
    # German: "." groups thousands, "," marks the cents
    ("de", "120.000,00", 120_000_00),
    ("de", "1.234", 1_234_00),
    ("de", "1.234,50", 1_234_50),
    ("de", "1234,5", 1_234_50),
    ("de", "40000", 40_000_00),
    ("de", "40 000,50", 40_000_50),
    ("de", "40\u00a0000,50 €", 40_000_50),
    ("de", "€ 40.000", 40_000_00),
    ("de", "12,50 EUR", 12_50),
    ("de", "0", 0),
    ("de", "1.000.000.000", MAX_CENTS),
    # English: "," groups thousands, "." marks the cents
    ("en", "120,000.00", 120_000_00),
    ("en", "1234.50", 1_234_50),
    ("en", "1,234", 1_234_00),
    ("en", "12.5", 12_50),
    ("en", "€40,000", 40_000_00),
    ("en", "1,000,000,000.00", MAX_CENTS),
]

REFUSED = [
    # the old call form read these as 120 € and 123.450 €: now refused in German
    ("de", "120,000.00", MSG_UNREADABLE),
    ("de", "1234.50", MSG_UNREADABLE),
    ("de", "12.5", MSG_UNREADABLE),
    ("de", "1,234", MSG_DECIMALS),  # three decimals, not a thousands group
    ("de", "0,001", MSG_DECIMALS),
    ("de", "1,000,000", MSG_UNREADABLE),
    ("en", "1.234", MSG_DECIMALS),  # three decimals in English, never 1,234 €
    ("en", "1.234,50", MSG_UNREADABLE),
    ("en", "12,50", MSG_UNREADABLE),
    ("en", "1.000.000", MSG_UNREADABLE),
    ("de", "-5", MSG_NEGATIVE),
    ("en", "-5.00", MSG_NEGATIVE),
    ("de", "1e3", MSG_UNREADABLE),
    ("en", "1E3", MSG_UNREADABLE),
    ("de", "viel", MSG_UNREADABLE),
    ("de", "١٢٣", MSG_UNREADABLE),  # Arabic-Indic digits: ASCII only
    ("en", "１２３", MSG_UNREADABLE),  # full-width digits
    ("de", "NaN", MSG_UNREADABLE),
    ("en", "Infinity", MSG_UNREADABLE),
    ("de", "1.2.3,456", MSG_UNREADABLE),
    ("de", "12\x0034", MSG_UNREADABLE),
    ("de", "1.000.000.001", MSG_TOO_LARGE),
    ("en", "9" * 30, MSG_TOO_LARGE),
    ("en", "9" * 5000, MSG_TOO_LARGE),
]


@pytest.mark.parametrize(("locale", "typed", "cents"), ACCEPTED)
def test_parse_money_reads_the_forms_language_exactly(locale, typed, cents):
    assert parse_money(typed, locale) == cents
    assert isinstance(parse_money(typed, locale), int)


@pytest.mark.parametrize(("locale", "typed", "message"), REFUSED)
def test_parse_money_refuses_ambiguous_or_bad_amounts(locale, typed, message):
    with pytest.raises(MoneyError) as refused:
        parse_money(typed, locale)
    assert refused.value.message == message


def test_parse_money_empty_field_is_none():
    assert (
        parse_money("", "de") is None
        and parse_money("  € ", "en") is None
        and parse_money(None, "de") is None
    )


@pytest.mark.parametrize("cents", [0, 5, 1_234_50, 120_000_00, MAX_CENTS, 99])
@pytest.mark.parametrize("locale", ["de", "en"])
def test_format_amount_reads_back_to_the_same_cents(cents, locale):
    assert parse_money(format_amount(cents, locale), locale) == cents


def test_format_money_german_and_english():
    assert format_money(1_234_50, "de") == "1.234,50\u00a0€"
    assert format_money(1_234_50, "en") == "€1,234.50"
    assert format_money(None, "de") == ""
    assert format_amount(1_234_50, "de") == "1234,50" and format_amount(1_234_50, "en") == "1234.50"
    # no float on the way: the largest amounts stay exact
    assert format_money(MAX_CENTS - 1, "en") == "€999,999,999.99"
    assert plain_amount(MAX_CENTS - 1) == "999999999.99" and plain_amount(5) == "0.05"


def test_money_filters_use_the_money_module():
    from challenge.platform.i18n import format_money as i18n_money
    from challenge.platform.templating import environment

    assert i18n_money(1_234_50, "de") == format_money(1_234_50, "de")
    env = environment()
    assert env.from_string("{{ 123450 | money }}").render(locale="en") == "€1,234.50"
    assert env.from_string("{{ 123450 | amount }}").render(locale="de") == "1234,50"


def test_money_field_names_the_field_in_a_422():
    from challenge.platform.money import money_field

    with pytest.raises(Problem) as refused:
        money_field("1.234", "total", "en")
    assert refused.value.status == 422 and refused.value.code == "validation_error"
    assert [(e.field, e.message) for e in refused.value.errors] == [("total", MSG_DECIMALS)]
    assert money_field("", "award", "de", required=False) is None


def test_number_amount_is_euros_as_a_json_number():
    from challenge.platform.money import number_amount

    assert (
        number_amount(20_000_00) == 20000.0
        and number_amount(1_234_50) == 1234.5
        and number_amount(5) == 0.05
    )


@pytest.mark.parametrize(
    ("locale", "typed", "cents"),
    [
        ("de", "1.234.567,89", 1_234_567_89),
        ("de", "1 234 567,89", 1_234_567_89),
        ("de", "1\u202f234,50", 1_234_50),
        ("en", "1,234,567.89", 1_234_567_89),
        ("en", "EUR 12.50", 12_50),
    ],
)
def test_parse_money_thousands_separators(locale, typed, cents):
    assert parse_money(typed, locale) == cents


@pytest.mark.parametrize(
    ("locale", "typed", "cents"),
    [
        ("de", "0,01", 1),
        ("de", "0,1", 10),
        ("de", "12,05", 12_05),
        ("en", "0.01", 1),
        ("en", "0.10", 10),
        ("en", "12.05", 12_05),
    ],
)
def test_parse_money_cents_are_exact(locale, typed, cents):
    assert parse_money(typed, locale) == cents


@pytest.mark.parametrize(
    ("locale", "typed"),
    [
        ("de", "1,234"),
        ("de", "12,345"),
        ("de", "0,999"),
        ("en", "12.345"),
        ("en", "0.001"),
    ],
)
def test_parse_money_too_many_decimals(locale, typed):
    with pytest.raises(MoneyError) as refused:
        parse_money(typed, locale)
    assert refused.value.message == MSG_DECIMALS


@pytest.mark.parametrize(
    ("locale", "typed"), [("de", "-1"), ("de", "-0,50"), ("en", "-1,000.00"), ("en", "- 5")]
)
def test_parse_money_negative_is_refused(locale, typed):
    with pytest.raises(MoneyError) as refused:
        parse_money(typed, locale)
    assert refused.value.message == MSG_NEGATIVE


def test_parse_money_unknown_locale_reads_german():
    assert parse_money("1.234,50", "fr") == 1_234_50
    assert parse_money("1.234,50", None) == 1_234_50


def test_format_money_small_amounts():
    assert format_money(5, "de") == "0,05\u00a0€"
    assert format_money(5, "en") == "€0.05"
    assert format_amount(None, "en") == ""
