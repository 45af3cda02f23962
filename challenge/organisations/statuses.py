"""The statuses this stage shows, in words and tone (challenge.platform.statuses)."""

from __future__ import annotations

STATUSES = {}
