"""What the prize part adds."""

from __future__ import annotations

from challenge.platform.parts import Part


def part() -> Part:
    """The prize part."""
    return Part()
