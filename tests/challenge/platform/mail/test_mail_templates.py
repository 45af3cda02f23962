"""Mail templates render in the sandbox: every mail in both languages, a template staff write
cannot reach files, internals or run without bound, values stay text in the HTML part, and a
version that fails when a mail is sent gives way to the default."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jinja2 import TemplateError
from jinja2.sandbox import SecurityError

from challenge.platform.mail import sandbox
from challenge.platform.mail.outbox import render_mail
from challenge.platform.mail.samples import SAMPLES, sample
from challenge.platform.mail.templates import (
    Source,
    keep_line_breaks,
    mail_keys,
    placeholders,
    render,
    render_parts,
    revived_context,
    stored_context,
)

KEYS = mail_keys()


def values(key: str, **changes) -> dict:
    return {**sample(key, placeholders(key)), **changes}


def test_every_mail_has_a_default_and_sample_values():
    assert len(KEYS) >= 17 and set(SAMPLES) <= set(KEYS)
    for key in KEYS:
        assert placeholders(key) >= {"authority", "base_url"}


@pytest.mark.parametrize("locale", ["de", "en"])
@pytest.mark.parametrize("key", KEYS)
def test_every_mail_renders_in_both_languages(key, locale):
    context = values(key)
    subject, text, html = render_mail(key, locale=locale, context=context)
    _, english, _ = render_mail(key, locale="en", context=context)
    assert subject and "\n" not in subject
    assert f'<html lang="{locale}">' in html and "<title>" in html
    assert "\n-- \nSmart City Challenge" in text and text.endswith("\n")
    assert (text != english) == (locale == "de")
    assert all(len(line) <= 76 or "://" in line for line in text.splitlines())
    for name, value in context.items():
        if name.endswith("link") and value:
            assert value in text and f'href="{value}"' in html


BAD = {
    "attribute": "{{ ''.__class__.__mro__ }}",
    "item": "{{ name['__class__'] }}",
    "cycler": "{{ cycler.__init__.__globals__ }}",
    "joiner": "{{ joiner() }}",
    "lipsum": "{{ lipsum(1000) }}",
    "include": "{% include '/etc/passwd' %}",
    "import": "{% import '/etc/passwd' as x %}",
    "extends": "{% extends '/etc/passwd' %}",
    "huge loop": "{% for i in range(10**9) %}x{% endfor %}",
    "nested loops": "{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}",
    "10 MB": "{% for i in range(10000) %}{{ 'x' * 1000 }}{% endfor %}",
    "long string": "{{ 'x' * 10000000 }}",
    "big number": "{{ 9 ** 9999999 }}",
    "formatting": "{{ '%999999999d' % 1 }}",
    "method": "{{ name.ljust(1000000000) }}",
    "format method": "{{ '{:>999999999}'.format(1) }}",
    "filter": "{{ name | center(1000000000) }}",
    "macro": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "set": "{% set x = 1 %}",
    "self": "{{ self }}",
    "recursive": "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
    "loop method": "{% for x in [1, 2] %}{{ loop.cycle('a', 'b') }}{% endfor %}",
    # CPU and memory in filters and operators, not in loops (the review of issue 20)
    "sum of repeated lists": "{{ ([range(10000)|list]*400)|sum(start=[])|length }}",
    "text of nested lists": "{{ ([[range(1000)|list]*1000]*30)|string|length }}",
    "many ranges": "{{ [range(9000)|list, range(9000)|list, range(9000)|list]|string|length }}",
}


@pytest.mark.parametrize("body", BAD.values(), ids=BAD.keys())
def test_malicious_templates_are_refused(body):
    started = datetime.now(UTC)
    with pytest.raises((sandbox.TemplateRefused, SecurityError, TemplateError)):
        render_parts(
            Source("Hallo", body), locale="de", context=values("verify_email"), strict=True
        )
    assert (datetime.now(UTC) - started).total_seconds() < 2


def test_a_version_failing_at_send_time_gives_way_to_the_default():
    broken = Source("Erinnerung", "{{ 1 // open }} offen")  # fine with 3 open, not with 0
    context = values("juror_reminder", open=0)
    assert render("juror_reminder", locale="de", context=values("juror_reminder"), override=broken)
    subject, text, _ = render("juror_reminder", locale="de", context=context, override=broken)
    assert subject == "Erinnerung: offene Bewertungen für Smart City Challenge 2026"
    assert "0 Bewertungen" in text


def test_values_are_text_in_the_html_part():
    title = "<script>alert(1)</script> [link](http://evil.example) **fett** &amp; <img src=x>"
    comment = "Zeile eins\n# keine Überschrift\n    kein Code\n- keine Liste\n1. auch nicht"
    context = values("challenge_reviewed", title=title, comment=comment)
    subject, text, html = render_mail("challenge_reviewed", locale="en", context=context)
    assert title in subject and title in text and comment in text
    assert "<script" not in html and "<img" not in html and "evil.example" in html
    assert "href=" not in html.replace('href="https://portal.example/', "")
    assert "<strong>" not in html and "<h2>" not in html and "<ul>" not in html
    assert "<pre>" not in html and "<ol>" not in html
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; [link](http://evil.example) **fett** &amp;amp;"
        in html
    )
    assert "Zeile eins<br>\n# keine Überschrift<br>\nkein Code" in html


def test_staff_markdown_is_markup_and_values_in_it_are_not():
    source = Source(
        "{{ name }}", "**Wichtig:** [Portal]({{ link }}) für {{ name }}\n\n- eins\n- zwei"
    )
    context = {"name": "*Anna* <b>", "link": "https://portal.example/a?b=1&c=2"}
    rendered = render_parts(source, locale="de", context=context, strict=True)
    assert "<strong>Wichtig:</strong>" in rendered.html
    assert '<a href="https://portal.example/a?b=1&amp;c=2"' in rendered.html
    assert "für *Anna* &lt;b&gt;" in rendered.html and "<li>zwei</li>" in rendered.html
    assert rendered.subject == "*Anna* <b>"
    assert "[Portal](https://portal.example/a?b=1&c=2) für *Anna* <b>" in rendered.text


def test_line_breaks_of_the_text_are_kept_and_lists_end_where_it_shows():
    markdown = keep_line_breaks("Ort: A\nZeit: B\n\n- eins\n- zwei\nDanach\n")
    assert markdown == "Ort: A  \nZeit: B\n\n- eins  \n- zwei  \n\nDanach\n"


def test_stored_values_blank_tokens_and_keep_dates():
    when = datetime(2026, 5, 4, 10, 30, tzinfo=UTC)
    text = stored_context(
        {
            "link": "https://portal.example/password/reset?token=geheim123&x=1",
            "unsubscribe_url": "https://portal.example/unsubscribe/Ab3_dE-fGhIjKlMnOpQrStUvWxYz0123",
            "thread": "https://portal.example/threads/0b8e3c8a-2f5e-4a8e-9c1a-4b7f6e2d9a10",
            "at": when,
        }
    )
    assert "geheim123" not in text and "token=xxxxx&x=1" in text
    assert "/unsubscribe/xxxxx" in text and "/threads/0b8e3c8a-2f5e-4a8e-9c1a-4b7f6e2d9a10" in text
    assert revived_context(text)["at"] == when
    assert stored_context({"long": "x" * 30_000}) == "{}"
    assert revived_context("kein json") == {}


def test_a_mail_in_the_old_format_still_renders_and_is_not_editable(monkeypatch):
    """A mail added as <key>.txt and <key>.html with gettext (the format before) is sent as before
    until it gets its Markdown defaults."""
    from jinja2 import ChoiceLoader, DictLoader

    from challenge.platform.mail import templates
    from challenge.platform.templating import environment

    old = {
        "mail/old_style.txt": '{% extends "mail/_layout.txt" %}{% block subject %}'
        '{{ _("Reference") }}: {{ reference }}{% endblock %}{% block body %}\n'
        '{{ _("Hello,") }}\n\n{{ link }}\n{% endblock %}\n',
        "mail/old_style.html": '{% extends "mail/_layout.html" %}{% block body %}'
        '<p>{{ _("Hello,") }} <a href="{{ link }}">{{ link }}</a></p>{% endblock %}',
    }
    env = environment().overlay(loader=ChoiceLoader([DictLoader(old), environment().loader]))
    monkeypatch.setattr(templates, "environment", lambda: env)
    monkeypatch.setattr(
        templates, "render_file", lambda name, **values: env.get_template(name).render(**values)
    )
    link = "https://portal.example/x"
    subject, text, html = render(
        "old_style", locale="de", context={"reference": "A-1", "link": link}
    )
    assert subject == "Aktenzeichen: A-1"
    assert text.startswith(f"Guten Tag,\n\n{link}\n\n-- \n")
    assert f'<p>Guten Tag, <a href="{link}">' in html
    assert "old_style" not in mail_keys()


def test_only_the_portals_links_become_links_in_the_html_part():
    """A team that titles its proposal with a web address gets no link into the city's mail;
    the portal's own link placeholders still are links."""
    phishing = "https://evil.example/login"
    context = values("challenge_reviewed", title=phishing)
    _, text, html = render_mail("challenge_reviewed", locale="de", context=context)
    assert phishing in text  # the text says what the title is
    assert 'href="https://evil.example' not in html and "evil.example" in html
    assert 'href="https://portal.example/' in html  # the mail's own link stays a link
