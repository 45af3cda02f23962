"""The person's start page (/dashboard): each stage's panels, collected and put in order.

Every domain may contribute panels through ``Domain.dashboard`` — ``panels(user, locale)``, an
async function returning a list of panel dicts for this person (none when the person has no
business with the stage). A panel is a dict with these keys:

- ``key``: a short name, unique on the page (the heading's id, ``panel-<key>``; tests use it).
- ``title``: the heading, an English msgid (``N_("Your reviews")``), translated by the page.
- ``audience``: for whom the panel is, a msgid (``N_("Juror")``), shown above the heading.
- ``order``: where it stands; lower first (the person's most urgent work first).
- ``items``: the things to do next, at most a handful (the query has a LIMIT), each a dict:
  ``label`` (the object's own name — data, not a msgid), ``href`` (where the work is done, or
  None), ``meta`` (a line of text already in the reader's language, e.g. the call and the time
  left; see :func:`due_text`), ``status`` (``(family, code)`` for a KERN badge, see
  challenge.platform.statuses, or None), ``due`` (a datetime, or None) and ``progress``
  (``(done, total)`` for a KERN progress bar, or None).
- ``counts``: figures at a glance, each ``{"label": msgid, "value": int, "href": str|None}``;
  the numbers come from SQL counts, never from rows loaded for counting.
- ``empty``: the msgid of the sentence shown when the panel has no items (every panel has one).
- ``more``: ``(href, label msgid)`` of the page with everything, or None.

The page (templates/base/dashboard.html) renders each panel as a KERN card: counts as a list of
figures, items with progress as progress bars, the others as a task list with badges.
"""

from __future__ import annotations

from datetime import datetime

from challenge.platform import clock
from challenge.platform.domains import each
from challenge.platform.i18n import N_, format_datetime, format_duration, gettext

# The roles and areas a person may have, in words (the page says whom it is for).
ROLE_WORDS = {
    "admin": N_("Administration"),
    "staff": N_("City staff"),
    "finance": N_("Finance"),
    "unit": N_("City unit"),
    "jury": N_("Juror"),
    "partner": N_("Partner"),
    "team": N_("Team member"),
    "applicant": N_("Applicant"),
}


def panel(key: str, title: str, *, empty: str, order: int = 50, **rest) -> dict:
    """A panel dict with every key present (see the module's docstring)."""
    return {
        "key": key,
        "title": title,
        "audience": rest.get("audience"),
        "order": order,
        "items": rest.get("items") or [],
        "counts": rest.get("counts") or [],
        "empty": empty,
        "more": rest.get("more"),
    }


def item(label: str, href: str | None = None, **rest) -> dict:
    """An item dict with every key present (see the module's docstring)."""
    return {
        "label": label,
        "href": href,
        "meta": rest.get("meta"),
        "hint": rest.get("meta"),  # the task list macro's name for it
        "status": rest.get("status"),
        "due": rest.get("due"),
        "progress": rest.get("progress"),
    }


def count(label: str, value: int, href: str | None = None) -> dict:
    """A figure of a panel."""
    return {"label": label, "value": int(value or 0), "href": href}


def due_text(when: datetime | None, locale: str, now: datetime | None = None) -> str:
    """ "Until 12 May 2026, 18:00 (3 days left)" in the reader's language; "Ended …" once past;
    "" without a date."""
    if when is None:
        return ""
    now = now or clock.now()
    stamp = format_datetime(when, locale)
    if when <= now:
        return gettext("Ended %(when)s", locale, when=stamp)
    left = format_duration((when - now).total_seconds(), locale)
    return gettext("Until %(when)s (%(left)s left)", locale, when=stamp, left=left)


def is_applicant(user) -> bool:
    """Whether the person applies: a team member, or an account with no other role or area
    (every new account); staff, finance, jurors and units without a team are not."""
    return user.sees("applicant", "team") or not (user.roles or user.areas)


def roles_in_words(user) -> list[str]:
    """The msgids of the person's roles and areas, in a fixed order."""
    names = set(user.roles) | set(user.areas)
    if is_applicant(user):
        names.add("applicant")
    return [word for name, word in ROLE_WORDS.items() if name in names]


async def panels(user, locale: str) -> list[dict]:
    """The platform's own panel: none (accounts are on /account)."""
    return []


async def collect(user, locale: str) -> list[dict]:
    """Every installed domain's panels for this person, in order."""
    found: list[dict] = []
    for _domain, contribute in each("dashboard"):
        found += await contribute(user, locale)
    return sorted(found, key=lambda p: p["order"])
