"""This stage's part of the person's start page (/dashboard; challenge.platform.dashboard): a
juror's reviews done and assigned per call with the jury window's end and the next unfinished
review; for staff, the entries not yet assigned to any juror. Also the navigation area ``jury``
for jurors of any call (no "you are not on a jury" page from the menu)."""

from __future__ import annotations

from uuid import UUID

from piccolo.query.functions.aggregate import Count

from challenge.jury.assignment_service import assignments_of
from challenge.jury.scoring import open_window_end, rounds_by_call
from challenge.jury.tables import Assignment, Juror
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.dashboard import count, due_text, item, panel
from challenge.platform.i18n import N_, format_number, gettext
from challenge.submissions.tables import Submission

LIMIT = 5
# Calls whose submitted entries jurors score.
JUDGED = ("published", "judging")


# The area ``jury`` for a juror of any call, invited or accepted.
AREAS = {"jury": f'EXISTS (SELECT 1 FROM {Juror._meta.tablename} j WHERE j."user" = {{user}})'}


async def _juries(user_id: UUID) -> list[dict]:
    """The person's juries on calls still being judged, the soonest window end first (LIMIT)."""
    return (
        await Juror.select(
            Juror.call.as_alias("call_id"),
            Juror.accepted_at,
            Juror.declaration_completed_at,
            Juror.call.slug.as_alias("slug"),
            Juror.call.title.as_alias("title"),
            Juror.call.jury_ends_at.as_alias("jury_ends_at"),
        )
        .where((Juror.user == user_id) & Juror.call.status.is_in(JUDGED))
        .order_by(Juror.call.jury_ends_at)
        .limit(LIMIT)
    )


def _next_step(jury: dict, mine: list[dict]) -> tuple[str, str | None]:
    """Where the juror goes next for this call and the line saying so."""
    base = f"/jury/calls/{jury['slug']}"
    if jury["accepted_at"] is None:
        return base, N_("Accept the invitation")
    if jury["declaration_completed_at"] is None:
        return f"{base}/declaration", N_("Complete your declaration of conflicts")
    open_ = [a for a in mine if a["status"] != "done"]
    if open_:
        first = open_[0]
        return f"/jury/reviews/{first['submission']}?round={first['round']}", None
    return base, None


def _juror_items(juries, assignments, rounds, locale, now) -> list[dict]:
    items = []
    for jury in juries:
        mine = [a for a in assignments if a["call_id"] == jury["call_id"]]
        done = sum(1 for a in mine if a["status"] == "done")
        href, step = _next_step(jury, mine)
        # the rule the review pages apply (scoring.open_window_end)
        call = {"id": jury["call_id"], "jury_ends_at": jury["jury_ends_at"]}
        closes = open_window_end(call, mine, rounds.get(jury["call_id"], {}))
        window = (
            gettext("Jury window: %(when)s", locale, when=due_text(closes, locale, now))
            if closes
            else ""
        )
        meta = gettext(step, locale) if step else ""
        if window:
            meta = f"{meta} · {window}" if meta else window
        entry = item(jury["title"], f"/jury/calls/{jury['slug']}", meta=meta, due=closes)
        entry["progress"] = (done, len(mine))
        items.append(entry)
        if step or done < len(mine):
            label = gettext(step, locale) if step else gettext("Next unfinished review", locale)
            items.append(item(label, href, meta=jury["title"]))
    return items


async def juror_panel(user, locale: str) -> dict:
    """Reviews done/assigned per call, the window's end and the next step for each."""
    juries = await _juries(user.id)
    ready = [j for j in juries if j["declaration_completed_at"] is not None]
    assignments = await assignments_of(user) if ready else []
    rounds = await rounds_by_call([j["call_id"] for j in juries])
    return panel(
        "jury",
        N_("Your reviews"),
        audience=N_("Juror"),
        order=5,
        items=_juror_items(juries, assignments, rounds, locale, clock.now()),
        empty=N_("No call is being judged by your juries right now."),
        more=("/jury", N_("All your juries")),
    )


def _unassigned():
    """Submitted entries of calls being judged, past their deadline, that no juror is
    assigned to (a recused assignment does not count)."""
    assigned = Assignment.select(Assignment.submission).where(Assignment.status != "recused")
    return (
        (Submission.status == "submitted")
        & Submission.call.status.is_in(JUDGED)
        & Submission.id.not_in(assigned)
        & (Submission.call.closes_at <= clock.now())
    )


async def unassigned_count() -> int:
    """How many entries wait for jurors (one SQL count)."""
    rows = await Submission.select(Count()).where(_unassigned())
    return rows[0]["count"] if rows else 0


async def _unassigned_by_call() -> list[dict]:
    return (
        await Submission.select(
            Submission.call.slug.as_alias("slug"),
            Submission.call.title.as_alias("title"),
            Submission.call.closes_at.as_alias("closes_at"),
            Count(),
        )
        .where(_unassigned())
        .group_by(Submission.call.slug, Submission.call.title, Submission.call.closes_at)
        .order_by(Submission.call.closes_at)
        .limit(LIMIT)
    )


async def staff_panel(locale: str) -> dict:
    """Calls past their deadline with submitted entries no juror is assigned to."""
    rows = await _unassigned_by_call()
    return panel(
        "unassigned",
        N_("Entries without jurors"),
        audience=N_("City staff"),
        order=32,
        items=[
            item(
                row["title"],
                f"/staff/calls/{row['slug']}/jury",
                meta=gettext(
                    "Entries not assigned yet: %(count)s",
                    locale,
                    count=format_number(row["count"], locale),
                ),
            )
            for row in rows
        ],
        counts=[count(N_("Entries not assigned to jurors"), await unassigned_count())],
        empty=N_("Every entry past its deadline has its jurors."),
    )


async def panels(user, locale: str) -> list[dict]:
    """The juror's panel (jurors) and the unassigned entries (staff)."""
    found = []
    if user.sees("jury"):
        found.append(await juror_panel(user, locale))
    if is_staff(user):
        found.append(await staff_panel(locale))
    return found
