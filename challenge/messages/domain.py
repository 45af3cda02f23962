"""How conversations join the portal (issue 20): the three parts' contributions
(part_threads, part_notifications, part_announcements) merged into one Domain record."""

from __future__ import annotations

from challenge.platform.domains import Domain
from challenge.platform.parts import Part, assemble


def _parts() -> list[Part]:
    from challenge.messages import part_announcements, part_notifications, part_threads

    return [part_threads.part(), part_notifications.part(), part_announcements.part()]


def domain() -> Domain:
    """The messages domain's record (stage after results: it reads proposals and calls)."""
    return assemble("messages", _parts())
