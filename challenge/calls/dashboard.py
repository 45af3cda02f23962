"""This stage's part of the person's start page (/dashboard; challenge.platform.dashboard): for
staff, the calls by phase and the deadlines coming up."""

from __future__ import annotations

from piccolo.query.functions.aggregate import Count

from challenge.calls.services import call_phase
from challenge.calls.tables import Call
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.dashboard import count, due_text, item, panel
from challenge.platform.i18n import N_, format_datetime, gettext

LIMIT = 5
# Calls still under way (open, closed for proposals, judged or decided).
RUNNING = ("published", "judging", "decided")
# The phases of a call in words, in their order (archived calls are left out).
PHASES = (
    ("draft", N_("Calls in preparation")),
    ("published", N_("Calls open or closed for proposals")),
    ("judging", N_("Calls being judged")),
    ("decided", N_("Calls decided, results not yet published")),
    ("results_published", N_("Calls with published results")),
)


def _call_item(row: dict, locale: str, now) -> dict:
    """A running call with its phase badge and the next date that matters."""
    phase = call_phase(row, now)
    # the next date that matters: opening, deadline, then the jury's end
    when = {"upcoming": row["opens_at"], "open": row["closes_at"]}.get(phase, row["jury_ends_at"])
    meta = due_text(when, locale, now) or None
    if phase == "upcoming" and when is not None:
        meta = gettext("Opens on %(when)s", locale, when=format_datetime(when, locale))
    return item(
        row["title"],
        f"/staff/calls/{row['slug']}/submissions",
        meta=meta,
        status=("call_phase", phase),
        due=when,
    )


async def staff_panel(locale: str) -> dict:
    """Calls per status (one SQL count) and the calls under way with their phase."""
    figures = {
        row["status"]: row["count"]
        for row in await Call.select(Call.status, Count()).group_by(Call.status)
    }
    now = clock.now()
    running = (
        await Call.select(
            Call.slug,
            Call.title,
            Call.status,
            Call.opens_at,
            Call.closes_at,
            Call.jury_starts_at,
            Call.jury_ends_at,
            Call.results_published_at,
        )
        .where(Call.status.is_in(RUNNING))
        .order_by(Call.closes_at)
        .limit(LIMIT)
    )
    return panel(
        "calls",
        N_("Calls by phase"),
        audience=N_("City staff"),
        order=30,
        counts=[count(label, figures.get(code, 0), "/staff/calls") for code, label in PHASES],
        items=[_call_item(row, locale, now) for row in running],
        empty=N_("No call is open or being judged."),
        more=("/staff/calls", N_("Manage calls")),
    )


async def panels(user, locale: str) -> list[dict]:
    """The calls panel, for staff."""
    return [await staff_panel(locale)] if is_staff(user) else []
