"""Who hears of a new thread message, and how (issue 20, point 5): by mail at once or in the daily
digest, as each person chose. Being built; the contract other modules rely on is below."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID


async def message_posted(
    thread: dict, message: dict, recipients: Sequence[UUID], *, title: str, link: str
) -> int:
    """Inside the posting transaction: a mail to each recipient who wants thread mail at once
    (the others get it in their daily digest). ``title`` names the thread's subject for people
    (never a UUID); ``link`` is the absolute URL of the thread. Returns the mails written."""
    return 0
