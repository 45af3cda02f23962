"""What the problems part adds (proposing, moderation, /mitmachen list and page, the API)."""

from __future__ import annotations

from challenge.platform.parts import Part


def part() -> Part:
    """The problems part."""
    return Part()
