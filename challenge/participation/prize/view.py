"""What the people's prize shows on /mitmachen: the votings open now and those closed within the
last RECENT_DAYS (their results are public), newest close first."""

from __future__ import annotations

from datetime import timedelta

from challenge.participation.prize.pages import public_path
from challenge.participation.prize.service import state_of
from challenge.participation.tables import PrizeVoting
from challenge.platform import clock
from challenge.platform.i18n import N_, gettext

RECENT_DAYS = 365
LABEL = N_("People's prize")


async def open_votings() -> list[dict]:
    """Votings whose window is open or whose results are public, for the /mitmachen page.

    Each item: ``title`` ("Publikumspreis: <call>", in German, the default language), ``label``
    (the msgid "People's prize", for a template to translate) and ``call_title``, ``href`` (the
    public page), ``state`` ("open" or "closed"), ``opens_at`` and ``closes_at``."""
    now = clock.now()
    rows = await PrizeVoting.select(
        PrizeVoting.opens_at,
        PrizeVoting.closes_at,
        PrizeVoting.call.slug.as_alias("slug"),
        PrizeVoting.call.title.as_alias("call_title"),
    ).where(
        (PrizeVoting.opens_at <= now)
        & (PrizeVoting.closes_at > now - timedelta(days=RECENT_DAYS))
        & (PrizeVoting.call.status != "draft")
    )
    rows.sort(key=lambda r: r["closes_at"], reverse=True)
    return [
        {
            "title": f"{gettext(LABEL, 'de')}: {row['call_title']}",
            "label": LABEL,
            "call_title": row["call_title"],
            "href": public_path(row["slug"]),
            "state": state_of(row, now),
            "opens_at": row["opens_at"],
            "closes_at": row["closes_at"],
        }
        for row in rows
    ]
