"""HTML → PDF/A-3u with tags, language, title and metadata, optionally with attachments."""

from __future__ import annotations

import threading

from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

from challenge.platform.pdf.fetcher import StaticOnlyFetcher
from challenge.platform.templating import render

_local = threading.local()


def _house_style() -> tuple[CSS, FontConfiguration]:
    """pdf.css parsed and its fonts loaded once per thread (about half a small PDF's cost);
    per thread because nothing promises that a font configuration may be shared across threads."""
    if not hasattr(_local, "style"):
        fonts = FontConfiguration()
        _local.style = (
            CSS(url="static:/css/pdf.css", url_fetcher=StaticOnlyFetcher(), font_config=fonts),
            fonts,
        )
    return _local.style


def html_to_pdf(html: str, attachments: list[tuple[str, bytes, str]] | None = None) -> bytes:
    """Render; attachments are (name, content, description) embedded as PDF/A-3 files. The
    house style (pdf.css) is applied here, so templates do not link it."""
    files = [
        Attachment(string=content, name=name, description=description, relationship="Data")
        for name, content, description in attachments or []
    ]
    style, fonts = _house_style()
    return HTML(string=html, base_url="static:/", url_fetcher=StaticOnlyFetcher()).write_pdf(
        stylesheets=[style],
        font_config=fonts,
        pdf_variant="pdf/a-3u",
        pdf_tags=True,
        attachments=files or None,
    )


def render_pdf(template: str, *, locale: str, attachments=None, **context) -> bytes:
    """Render templates/pdf/<template> in a language to PDF bytes."""
    return html_to_pdf(render(f"pdf/{template}", locale=locale, **context), attachments)
