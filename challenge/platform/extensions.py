"""Compatibility: extensions are :class:`~challenge.platform.domains.Domain` records now.

Packages that build on the portal (e.g. `partnerships`) register a function returning their
record as the entry point group ``challenge.extensions``; ``challenge.domains`` loads them, so
`challenge` never imports them by name. ``Extension`` is the old name of the record.
"""

from __future__ import annotations

from challenge.platform.domains import Domain, installed

GROUP = "challenge.extensions"
Extension = Domain


def extensions() -> tuple[Domain, ...]:
    """The installed domains (kept for old callers; ask ``challenge.platform.domains``)."""
    return installed()
