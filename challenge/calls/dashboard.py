"""This stage's part of the person's start page (/dashboard; challenge.platform.dashboard): for
staff, the calls by phase and the deadlines coming up."""

from __future__ import annotations

from piccolo.query.functions.aggregate import Count

from challenge.calls.tables import Call
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.dashboard import count, due_text, item, panel
from challenge.platform.i18n import N_

LIMIT = 5
# The phases of a call in words, in their order (archived calls are left out).
PHASES = (
    ("draft", N_("Calls in preparation")),
    ("published", N_("Calls open or closed for proposals")),
    ("judging", N_("Calls being judged")),
    ("decided", N_("Calls decided, results not yet published")),
    ("results_published", N_("Calls with published results")),
)


async def staff_panel(locale: str) -> dict:
    """Calls per phase (one SQL count) and the next deadlines of published calls."""
    figures = {
        row["status"]: row["count"]
        for row in await Call.select(Call.status, Count()).group_by(Call.status)
    }
    now = clock.now()
    upcoming = (
        await Call.select(Call.slug, Call.title, Call.closes_at)
        .where((Call.status == "published") & (Call.closes_at > now))
        .order_by(Call.closes_at)
        .limit(LIMIT)
    )
    return panel(
        "calls",
        N_("Calls by phase"),
        audience=N_("City staff"),
        order=30,
        counts=[count(label, figures.get(code, 0), "/staff/calls") for code, label in PHASES],
        items=[
            item(
                row["title"],
                f"/staff/calls/{row['slug']}/submissions",
                meta=due_text(row["closes_at"], locale, now),
                due=row["closes_at"],
            )
            for row in upcoming
        ],
        empty=N_("No call is open for proposals."),
        more=("/staff/calls", N_("Manage calls")),
    )


async def panels(user, locale: str) -> list[dict]:
    """The calls panel, for staff."""
    return [await staff_panel(locale)] if is_staff(user) else []
