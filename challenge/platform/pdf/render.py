"""HTML → PDF/A-3u with tags, language, title and metadata, optionally with attachments."""

from __future__ import annotations

import secrets

from weasyprint import HTML, Attachment

from challenge.platform.pdf.fetcher import StaticOnlyFetcher
from challenge.platform.templating import render

_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U


def new_verification_code() -> str:
    """Twelve characters (60 random bits) in groups of four, e.g. 7K2M-QX9D-4HRT."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:12]}" if len(cleaned) == 12 else ""


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
