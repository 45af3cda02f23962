"""Languages: gettext catalogs (Babel), the request's locale, and German/English formatting."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.dates import format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.numbers import format_percent as _format_percent
from babel.support import NullTranslations, Translations
from jinja2 import pass_context

from challenge.paths import LOCALE_DIR

LOCALES = ("de", "en")
DEFAULT_LOCALE = "de"
LANGUAGE_COOKIE = "lang"
BERLIN = ZoneInfo("Europe/Berlin")


@cache
def translations(locale: str) -> NullTranslations:
    """The catalog for a locale, compiled from its .po file once per process."""
    po_file = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_file.exists():
        return NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def gettext(message: str, locale: str, **variables: object) -> str:
    text = translations(locale).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, locale: str, **variables: object) -> str:
    text = translations(locale).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def parse_accept_language(header: str | None) -> str | None:
    """Best supported locale from an Accept-Language header, honouring q-values."""
    if not header:
        return None
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.split("-")[0]
        if primary in LOCALES and quality > 0:
            choices.append((-quality, position, primary))
    return min(choices)[2] if choices else None


def resolve_locale(user_locale: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The user's setting, then the language cookie, then Accept-Language, then German."""
    for candidate in (user_locale, cookie):
        if candidate in LOCALES:
            return candidate
    return parse_accept_language(accept_language) or DEFAULT_LOCALE


def request_locale(request) -> str:
    """Locale of a Litestar request, resolved once and kept in its state."""
    locale = request.state.get("locale")
    if locale is None:
        user = request.scope.get("user")
        locale = resolve_locale(
            getattr(user, "locale", None),
            request.cookies.get(LANGUAGE_COOKIE),
            request.headers.get("accept-language"),
        )
        request.state.locale = locale
    return locale


@lru_cache(maxsize=4096)  # a call's dates appear on every page of it: format each once
def format_datetime(value: datetime | None, locale: str, fmt: str = "medium") -> str:
    """A timestamp shown in Berlin time, the German or English way."""
    if value is None:
        return ""
    pattern = {"medium": "d. MMMM y, HH:mm" if locale == "de" else "d MMMM y, HH:mm"}.get(fmt, fmt)
    return _format_datetime(value, pattern, tzinfo=BERLIN, locale=locale) + (
        " Uhr" if locale == "de" and fmt == "medium" else ""
    )


def format_duration(seconds: float, locale: str) -> str:
    """A remaining time in words: "12 Tage", "5 Stunden", "1 Minute"."""
    return format_timedelta(max(seconds, 0), granularity="minute", threshold=2.5, locale=locale)


def format_date(value, locale: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(BERLIN).date()
    return _format_date(value, "long", locale=locale)


def format_money(cents: int | None, locale: str) -> str:
    """Integer euro cents as money: 1.234,50 € (de) or €1,234.50 (en)."""
    from challenge.platform.money import format_money as money  # money imports N_ from here

    return money(cents, locale)


def format_number(value, locale: str, digits: int | None = None) -> str:
    """A number the reader's way: 1.234,5 (de) or 1,234.5 (en); ``digits`` fixes the decimals
    (None: as many as the value has, up to three)."""
    if isinstance(value, float) and value == 0:
        value = 0.0  # -0.0 equals 0.0 for the cache below: both are shown as 0
    return _format_number(value, locale, digits)


@lru_cache(maxsize=4096, typed=True)  # pure; Babel takes ~30 µs per number (1 and 1.0 apart)
def _format_number(value, locale: str, digits: int | None) -> str:
    if value is None:
        return ""
    if digits is None:
        return format_decimal(value, locale=locale)
    # half up, as people round (Babel would round half to even: 87,25 → 87,2)
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(rounded, format=pattern, locale=locale)


def format_percent(share, locale: str, digits: int = 0) -> str:
    """A share (0.25) as a percentage: 25 % (de) or 25% (en)."""
    if share is None:
        return ""
    pattern = Locale.parse(locale).percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return _format_percent(share, format=pattern, locale=locale)


def format_filesize(size: int | None, locale: str) -> str:
    """Bytes in words: 20,0 MB, 512 KB, 12 Bytes (decimal units, as browsers show them)."""
    if size is None:
        return ""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= factor:
            return f"{format_number(size / factor, locale, 1)}\u00a0{unit}"
    return f"{format_number(size, locale)}\u00a0Bytes" if locale == "de" else f"{size}\u00a0bytes"


# Jinja callables: the locale comes from the request in the template context.
def _ctx_locale(context) -> str:
    # Mails and PDFs render without a request and pass their recipient's locale instead.
    fixed = context.get("locale")
    if fixed in LOCALES:
        return fixed
    request = context.get("request")
    return request_locale(request) if request is not None else DEFAULT_LOCALE


@pass_context
def jinja_gettext(context, message: str) -> str:
    return translations(_ctx_locale(context)).gettext(message)


@pass_context
def jinja_ngettext(context, singular: str, plural: str, n: int) -> str:
    return translations(_ctx_locale(context)).ngettext(singular, plural, n)


@pass_context
def jinja_translate_data(context, message: str) -> str:
    """A message id kept as data (a suggested conflict's reason) in the reader's language, or the
    person's own text unchanged — plain text, escaped like any value. ``_()`` would trust it as
    markup and %-format it: only literal messages belong there."""
    return translations(_ctx_locale(context)).gettext(message) if message else ""


@pass_context
def jinja_locale(context) -> str:
    return _ctx_locale(context)


@pass_context
def jinja_datetime(context, value, fmt: str = "medium") -> str:
    return format_datetime(value, _ctx_locale(context), fmt)


@pass_context
def jinja_date(context, value) -> str:
    return format_date(value, _ctx_locale(context))


@pass_context
def jinja_money(context, cents) -> str:
    return format_money(cents, _ctx_locale(context))


@pass_context
def jinja_amount(context, cents) -> str:
    """Cents as a form field's value in the reader's language ("1234,50" / "1234.50")."""
    from challenge.platform.money import format_amount

    return format_amount(cents, _ctx_locale(context))


@pass_context
def jinja_number(context, value, digits: int | None = None) -> str:
    return format_number(value, _ctx_locale(context), digits)


@pass_context
def jinja_percent(context, share, digits: int = 0) -> str:
    return format_percent(share, _ctx_locale(context), digits)


@pass_context
def jinja_filesize(context, size) -> str:
    return format_filesize(size, _ctx_locale(context))


def install(environment) -> None:
    """Add gettext and formatting helpers to a Jinja environment."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(jinja_gettext, jinja_ngettext, newstyle=True)
    environment.globals["current_locale"] = jinja_locale
    environment.filters["translated"] = jinja_translate_data
    environment.filters["datetime"] = jinja_datetime
    environment.filters["date"] = jinja_date
    environment.filters["money"] = jinja_money
    environment.filters["amount"] = jinja_amount
    environment.filters["number"] = jinja_number  # {{ x | number(1) }}: 87,2
    environment.filters["percent"] = jinja_percent  # {{ 0.25 | percent }}: 25 %
    environment.filters["filesize"] = jinja_filesize  # {{ 20000000 | filesize }}: 20,0 MB
