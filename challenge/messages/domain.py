"""How conversations join the portal: their API and pages, the subjects they hold threads on,
and their part of a person's data (issue 20)."""

from __future__ import annotations

from challenge.platform.domains import Domain


def domain() -> Domain:
    """The messages domain's record (stage after results: it reads proposals and calls)."""
    return Domain(name="messages")
