"""The form helpers moved to ``challenge.platform.forms``; this name stays for old importers."""

from __future__ import annotations

# compatibility: moved to platform/forms.py
from challenge.platform.forms import FormData, errors_of, form_value

__all__ = ["FormData", "errors_of", "form_value"]
