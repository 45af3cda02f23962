"""What the people's prize shows on /mitmachen."""

from __future__ import annotations


async def open_votings() -> list[dict]:
    """Votings whose window is open or whose results are public, for the /mitmachen page."""
    return []
