"""HTML → PDF/A-3u with tags, language, title and metadata, optionally with attachments."""

from __future__ import annotations

from weasyprint import HTML, Attachment

from challenge.platform.pdf.fetcher import StaticOnlyFetcher
from challenge.platform.templating import render


def html_to_pdf(html: str, attachments: list[tuple[str, bytes, str]] | None = None) -> bytes:
    """Render; attachments are (name, content, description) embedded as PDF/A-3 files."""
    files = [
        Attachment(string=content, name=name, description=description, relationship="Data")
        for name, content, description in attachments or []
    ]
    return HTML(string=html, base_url="static:/", url_fetcher=StaticOnlyFetcher()).write_pdf(
        pdf_variant="pdf/a-3u", pdf_tags=True, attachments=files or None,
    )


def render_pdf(template: str, *, locale: str, attachments=None, **context) -> bytes:
    """Render templates/pdf/<template> in a language to PDF bytes."""
    return html_to_pdf(render(f"pdf/{template}", locale=locale, **context), attachments)
