"""How citizen participation joins the portal (issue 21): its four parts' contributions merged
into one Domain record (stage after messages: it reads challenges, calls, proposals and results,
and mails through the messages domain's notification settings)."""

from __future__ import annotations

from challenge.platform.domains import Domain
from challenge.platform.parts import Part, assemble


def _parts() -> list[Part]:
    from challenge.participation import part_discussion, part_path, part_prize, part_problems

    return [part_problems.part(), part_discussion.part(), part_path.part(), part_prize.part()]


def domain() -> Domain:
    """The participation domain's record."""
    return assemble("participation", _parts())
