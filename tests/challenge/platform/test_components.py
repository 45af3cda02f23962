"""KERN components through one macro each (templates/base/kern.html), status words from one
registry (challenge.platform.statuses), numbers the reader's way (the Babel filters)."""

from __future__ import annotations

import re

import pytest
from jinja2 import Environment

from challenge.domains import all_domains
from challenge.paths import TEMPLATES_DIR
from challenge.platform import domains, i18n, statuses
from challenge.platform.i18n import format_filesize, format_number, format_percent
from challenge.platform.templating import environment

# Mails and PDFs have their own, print- and mail-client-safe markup.
OWN_MARKUP = ("mail/", "pdf/")
COMPONENT_FILE = "base/kern.html"


def page_templates() -> list[str]:
    return sorted(
        str(path.relative_to(TEMPLATES_DIR))
        for path in TEMPLATES_DIR.rglob("*.html")
        if not str(path.relative_to(TEMPLATES_DIR)).startswith(OWN_MARKUP)
    )


@pytest.mark.parametrize("element", ["table", "fieldset"])
def test_no_page_template_writes_a_table_or_fieldset_itself(element):
    """Tables and fieldsets come from the macros, so each has KERN's classes and structure (a
    fieldset's body, a table's responsive region); the browser journeys check the result."""
    pattern = re.compile(rf"<{element}[\s>]", re.IGNORECASE)
    offenders = [
        name
        for name in page_templates()
        if name != COMPONENT_FILE and pattern.search((TEMPLATES_DIR / name).read_text())
    ]
    assert not offenders, f"use kern.{element} from {COMPONENT_FILE} in: {offenders}"


def render(source: str, locale: str = "de", **context) -> str:
    return environment().from_string(source).render(locale=locale, **context)


def test_table_macro_writes_kern_classes_a_caption_and_numeric_columns():
    html = render(
        '{% import "base/kern.html" as kern %}'
        '{% call kern.table("Ranking", ["Team", ("Score", "numeric"), ("", "action")]) %}'
        '<tr class="kern-table__row">{{ kern.cell("A") }}{{ kern.cell(87.25 | number(1), "numeric") }}'
        '{{ kern.cell("") }}</tr>{% endcall %}'
    )
    assert 'class="kern-table-responsive"' in html and 'aria-label="Ranking"' in html
    assert "<caption" in html and "Ranking</caption>" in html
    assert 'class="kern-table__header kern-table__header--numeric"' in html
    assert 'class="kern-table__cell kern-table__cell--numeric">87,3</td>' in html
    assert "Aktionen" in html  # the empty action header is named for screen readers


def test_radio_group_puts_its_options_in_the_fieldset_body_and_checks_the_value():
    html = render(
        '{% import "base/kern.html" as kern %}'
        '{{ kern.radio_group("score", "Impact", [(0, "0"), (1, "1"), (2, "2")], value=1, scale=True) }}'
    )
    body = html.index("kern-fieldset__body")
    assert html.index("<legend") < body < html.index('type="radio"')
    assert re.search(r'value="1"\s+checked', html) and html.count("checked") == 1
    assert "kern-scale" in html


def test_fieldset_error_is_linked_from_its_id_and_described():
    html = render(
        '{% import "base/kern.html" as kern %}'
        '{% call kern.fieldset("Kind", name="kind", errors={"kind": "Choose one."}) %}x{% endcall %}'
    )
    assert 'id="field-kind"' in html and 'aria-describedby=" error-kind"' in html
    assert "kern-fieldset--error" in html


def test_every_declared_status_has_words_in_both_languages_and_a_known_tone():
    registry = {}
    for domain in all_domains():
        assert not statuses.check(domain.statuses), domain.name
        for family, codes in domain.statuses.items():
            registry.setdefault(family, {}).update(codes)
    assert {"proposal", "review", "decision", "partnership", "milestone", "outbox"} <= set(registry)
    german = i18n.translations("de")
    untranslated = [
        f"{family}:{code}"
        for family, codes in registry.items()
        for code, (label, _tone) in codes.items()
        # a word German shares with English ("Startup") is translated when the catalog has it
        if german.gettext(label) == label and label not in getattr(german, "_catalog", {})
    ]
    assert not untranslated, f"statuses without German words: {untranslated}"


def test_badge_shows_the_words_and_tone_never_the_code():
    before = domains.installed()
    domains.install(all_domains())
    try:
        html = render(
            '{% import "base/kern.html" as kern %}{{ kern.badge("milestone", "overdue") }}'
        )
        unknown = render('{% import "base/kern.html" as kern %}{{ kern.badge("milestone", "x") }}')
    finally:
        domains.install(before)
    assert "Überfällig" in html and "kern-badge--danger" in html
    assert ">overdue<" not in html
    assert "Unbekannter Status" in unknown


@pytest.mark.parametrize(
    ("value", "digits", "german", "english"),
    [
        (87.25, 1, "87,3", "87.3"),
        (0.176, 3, "0,176", "0.176"),
        (1234567, None, "1.234.567", "1,234,567"),
        (15000, 2, "15.000,00", "15,000.00"),
    ],
)
def test_numbers_follow_the_language(value, digits, german, english):
    assert format_number(value, "de", digits) == german
    assert format_number(value, "en", digits) == english


def test_sizes_and_shares_follow_the_language():
    assert format_filesize(20_000_000, "de") == "20,0\u00a0MB"
    assert format_filesize(20_000_000, "en") == "20.0\u00a0MB"
    assert format_filesize(512, "de") == "512\u00a0Bytes"
    assert format_percent(0.256, "de") == "26\u00a0%"
    assert format_percent(0.2561, "en", 1) == "25.6%"


def test_filters_take_the_locale_of_the_mail_or_page():
    env: Environment = environment()
    template = env.from_string("{{ 20000000 | filesize }} · {{ 87.2 | number(1) }}")
    assert template.render(locale="de") == "20,0\u00a0MB · 87,2"
    assert template.render(locale="en") == "20.0\u00a0MB · 87.2"


def test_every_template_imports_its_macros_with_the_page_context():
    """Macros imported without context translate in the default language: an English page would
    show German badges and error summaries."""
    statement = re.compile(r"\{%-?\s*(?:import|from)\s+\"[^\"]+\".*?%\}", re.S)
    offenders = [
        f"{name}: {found}"
        for name in page_templates()
        for found in statement.findall((TEMPLATES_DIR / name).read_text())
        if "with context" not in found
    ]
    assert not offenders, offenders


def test_a_badge_speaks_the_page_language():
    before = domains.installed()
    domains.install(all_domains())
    try:
        source = '{% import "base/kern.html" as kern with context %}{{ kern.badge("milestone", "overdue") }}'
        english = environment().from_string(source).render(locale="en")
        german = environment().from_string(source).render(locale="de")
    finally:
        domains.install(before)
    assert "Overdue" in english and "Überfällig" in german
