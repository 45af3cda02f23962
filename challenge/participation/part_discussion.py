"""What the discussion part adds."""

from __future__ import annotations

from challenge.platform.parts import Part


def part() -> Part:
    """The discussion part."""
    return Part()
