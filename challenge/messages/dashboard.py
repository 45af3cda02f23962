"""This part's panels on the person's start page (/dashboard; challenge.platform.dashboard).

Staff: the conversations with messages they have not read (figures and the newest), and the
information requests — the overdue ones listed first, longest overdue on top. A team member: the
requests the city sent the team, the soonest due first, and unread messages on the team's
proposals; no panel when there is neither (the page never invents work)."""

from __future__ import annotations

from challenge.messages import inbox, threads
from challenge.messages.policies import proposal_title
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.dashboard import count, due_text, is_applicant, item, panel
from challenge.platform.i18n import N_, format_datetime, gettext

LIMIT = 5


def _request_item(row: dict, locale: str, now, status: str) -> dict:
    return item(
        proposal_title(row),
        f"{threads.thread_path('submission', row['submission'])}#request-{row['id']}",
        meta=due_text(row["due_at"], locale, now),
        status=("request", status),
        due=row["due_at"],
    )


async def _staff_panels(user, locale: str) -> list[dict]:
    now = clock.now()
    newest = await inbox.newest(user, unread_only=True, limit=LIMIT)
    figures = await inbox.request_counts(now)
    messages = panel(
        "messages",
        N_("Messages"),
        audience=N_("City staff"),
        order=25,
        items=[
            item(
                row["title"],
                row["path"],
                meta=f"{gettext(row['subject_words'], locale)} · "
                f"{format_datetime(row['last_message_at'], locale)}",
            )
            for row in newest["rows"]
        ],
        counts=[
            count(
                N_("Conversations with unread messages"),
                newest["total"],
                "/staff/messages?unread=1",
            )
        ],
        empty=N_("No unread messages."),
        more=("/staff/messages", N_("All conversations")),
    )
    overdue = await inbox.overdue_requests(now, LIMIT)
    requests = panel(
        "information-requests",
        N_("Information requests"),
        audience=N_("City staff"),
        order=26,
        items=[_request_item(row, locale, now, "overdue") for row in overdue],
        counts=[
            count(N_("Overdue"), figures["overdue"]),
            count(N_("Awaiting answer"), figures["open"]),
        ],
        empty=N_("No request is overdue."),
    )
    return [messages, requests]


async def _team_panel(user, locale: str) -> list[dict]:
    now = clock.now()
    open_requests = await inbox.team_requests(user.id, LIMIT)
    unread = await inbox.unread_team_threads(user.id)
    if not open_requests and not unread:
        return []
    return [
        panel(
            "team-requests",
            N_("Requests and messages from the city"),
            audience=N_("Applicant"),
            order=11,
            items=[
                _request_item(row, locale, now, "overdue" if row["due_at"] < now else "open")
                for row in open_requests
            ],
            counts=[count(N_("Conversations with unread messages"), unread, "/me/submissions")],
            empty=N_("No requests to answer."),
        )
    ]


async def panels(user, locale: str) -> list[dict]:
    """Staff: messages and requests; team members: what the city asked them."""
    if is_staff(user):
        return await _staff_panels(user, locale)
    if is_applicant(user):
        return await _team_panel(user, locale)
    return []
