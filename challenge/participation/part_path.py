"""What the path part adds."""

from __future__ import annotations

from challenge.platform.parts import Part


def part() -> Part:
    """The path part."""
    return Part()
