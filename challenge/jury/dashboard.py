"""This stage's part of the person's start page (/dashboard; challenge.platform.dashboard)."""

from __future__ import annotations


async def panels(user, locale: str) -> list[dict]:
    """The panels this stage shows ``user`` on the start page (none yet)."""
    return []
