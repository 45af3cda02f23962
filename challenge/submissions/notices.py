"""What later stages have to say on a proposal's page (``Domain.submission_notices``), e.g. an
open information request from the city. Submissions never import those stages.

A notice is a dict: ``kind`` "alert" — ``tone`` (info, success, warning, danger), ``title`` (a
msgid), ``body_html`` (sanitised Markup or None), ``due`` (a datetime or None), ``overdue``,
``href`` and ``link`` (a msgid) — or ``kind`` "link" — ``href``, ``label`` (a msgid) and
``count`` (unread items, shown when not 0). Rendered by templates/challenge/submissions/_notices.html."""

from __future__ import annotations

from challenge.platform.domains import each


async def notices_for(user, submission: dict) -> list[dict]:
    """Every later stage's notices for this person on this proposal's page, in stage order."""
    notices: list[dict] = []
    for _domain, provider in each("submission_notices"):
        notices += await provider(user, submission)
    return notices
