"""Upload rules per context: which types, how large, how many files."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadRules:
    allowed_types: tuple[str, ...] = ("application/pdf", "image/png", "image/jpeg")
    max_bytes: int = 20 * MB
    max_files: int = 20
    refuse_pdf_scripts: bool = True  # qpdf checks PDFs for active content (pdfsafety)
    # The portal's own PDFs embed their data (PDF/A-3); a context that takes them back (a signed
    # contract) may accept embedded files. Scripts and actions are refused everywhere.
    allow_embedded_files: bool = False

    @property
    def allowed_pdf_content(self) -> frozenset[str]:
        return frozenset({"pdf_embedded_file"}) if self.allow_embedded_files else frozenset()


def library_rules(settings) -> UploadRules:
    """A person's own document library (reused later for submissions)."""
    return UploadRules(max_bytes=settings.upload_max_mb * MB, max_files=50)
