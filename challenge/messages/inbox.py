"""Lists of conversations: the staff's list (/staff/messages) of every thread on proposals,
workspaces and partnerships, newest first, each marked unread for the reader, and the figures of
the start pages (unread threads, open and overdue requests). Counted and paged in SQL (one
LEFT JOIN of the reader's read marks), so 500 open threads cost what 5 do."""

from __future__ import annotations

from uuid import UUID

from challenge.messages import policies, threads
from challenge.messages.tables import InformationRequest, Thread
from challenge.organisations.tables import Membership
from challenge.platform.i18n import N_
from challenge.platform.pagination import page_within
from challenge.submissions.tables import Submission

PER_PAGE = 50
# The subjects staff read every thread of; a person's own thread (announcement copies) joins the
# list once the person has written in it.
STAFF_SUBJECTS = ("submission", "workspace", "partnership")
SUBJECT_WORDS = {
    "submission": N_("Proposal"),
    "workspace": N_("Development workspace"),
    "partnership": N_("Partnership"),
    "person": N_("Person"),
}
_SUBJECTS = ", ".join(f"'{kind}'" for kind in STAFF_SUBJECTS)  # constants, not input
_FROM = (
    ' FROM threads t LEFT JOIN thread_reads r ON r.thread = t.id AND r."user" = {}'
    f" WHERE t.message_count > 0 AND (t.subject_type IN ({_SUBJECTS})"
    " OR (t.subject_type = 'person' AND EXISTS (SELECT 1 FROM messages pm"
    " WHERE pm.thread = t.id AND pm.side = 'person')))"
)
_UNREAD = " AND (r.read_at IS NULL OR r.read_at < t.last_message_at)"
_ROWS = (
    "SELECT t.id, t.subject_type, t.subject_id, t.last_message_at, t.message_count,"
    " r.read_at{from_}{unread} ORDER BY t.last_message_at DESC LIMIT {{}} OFFSET {{}}"
)
_TEAM_THREADS = (
    "SELECT COUNT(*) AS n FROM threads t LEFT JOIN thread_reads r ON r.thread = t.id"
    " AND r.\"user\" = {} WHERE t.subject_type = 'submission' AND t.subject_id IN"
    " (SELECT s.id FROM submissions s JOIN memberships m ON m.organisation = s.organisation"
    ' WHERE m."user" = {})' + _UNREAD
)


async def unread_team_threads(user_id: UUID) -> int:
    """How many threads on the proposals of the person's teams have unread messages."""
    rows = await Thread.raw(_TEAM_THREADS, user_id, user_id)
    return int(rows[0]["n"])


async def _titles(user, rows: list[dict]) -> dict:
    """{thread id: the subject's title}: proposals (and their workspaces) in one query, other
    subjects through their domain's thread_subjects hook."""
    proposal_ids = [
        r["subject_id"] for r in rows if r["subject_type"] in ("submission", "workspace")
    ]
    proposals = {
        row["id"]: policies.proposal_title(row)
        for row in await Submission.select(
            Submission.id, Submission.title, Submission.reference
        ).where(Submission.id.is_in(proposal_ids or [UUID(int=0)]))
    }
    titles = {}
    for row in rows:
        if row["subject_id"] in proposals:
            titles[row["id"]] = proposals[row["subject_id"]]
        else:
            access = await policies.thread_access(user, row["subject_type"], row["subject_id"])
            titles[row["id"]] = access["title"] if access else "–"
    return titles


async def newest(user, *, page: int = 1, unread_only: bool = False, limit: int = PER_PAGE) -> dict:
    """One page of the threads staff read, newest first: rows (title, subject words, path,
    unread), total, page, pages."""
    unread = _UNREAD if unread_only else ""
    counted = await Thread.raw(f"SELECT COUNT(*) AS n{_FROM}{unread}", user.id)
    total = int(counted[0]["n"])
    page, pages = page_within(page, total, limit)
    rows = await Thread.raw(
        _ROWS.format(from_=_FROM, unread=unread), user.id, limit, (page - 1) * limit
    )
    titles = await _titles(user, rows)
    for row in rows:
        row["title"] = titles[row["id"]]
        row["subject_words"] = SUBJECT_WORDS[row["subject_type"]]
        row["path"] = threads.thread_path(row["subject_type"], row["subject_id"])
        row["unread"] = row["read_at"] is None or row["read_at"] < row["last_message_at"]
    return {"rows": rows, "total": total, "page": page, "pages": pages, "unread_only": unread_only}


def _still_open():
    """Open requests to proposals that are not withdrawn (a withdrawn proposal's questions wait
    for nobody)."""
    return (InformationRequest.status == "open") & (
        InformationRequest.submission.status != "withdrawn"
    )


async def request_counts(now) -> dict[str, int]:
    """Open information requests, and of them those past their due date."""
    is_open = _still_open()
    return {
        "open": await InformationRequest.count().where(is_open),
        "overdue": await InformationRequest.count().where(
            is_open & (InformationRequest.due_at < now)
        ),
    }


async def overdue_requests(now, limit: int) -> list[dict]:
    """The open requests longest past their due date, with their proposal's title."""
    return (
        await InformationRequest.select(
            InformationRequest.id,
            InformationRequest.submission,
            InformationRequest.due_at,
            InformationRequest.submission.title.as_alias("title"),
            InformationRequest.submission.reference.as_alias("reference"),
        )
        .where(_still_open() & (InformationRequest.due_at < now))
        .order_by(InformationRequest.due_at)
        .limit(limit)
    )


async def team_requests(user_id: UUID, limit: int) -> list[dict]:
    """The open requests to the person's teams, the soonest due first, with the proposal."""
    teams = [
        row["organisation"]
        for row in await Membership.select(Membership.organisation).where(
            Membership.user == user_id
        )
    ]
    if not teams:
        return []
    return (
        await InformationRequest.select(
            InformationRequest.id,
            InformationRequest.submission,
            InformationRequest.due_at,
            InformationRequest.submission.title.as_alias("title"),
            InformationRequest.submission.reference.as_alias("reference"),
        )
        .where(_still_open() & InformationRequest.submission.organisation.is_in(teams))
        .order_by(InformationRequest.due_at)
        .limit(limit)
    )
