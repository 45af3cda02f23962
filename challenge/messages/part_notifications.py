"""What the notifications part of conversations adds to the messages domain's record (merged by
challenge.messages.domain): routers, periodic jobs, dashboard panels, document readers and
namers, thread subjects, statuses and its share of a person's data."""

from __future__ import annotations

from challenge.messages.parts import Part


def part() -> Part:
    """The notifications part (filled in as it is built)."""
    return Part()
