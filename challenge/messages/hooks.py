"""What conversations add to earlier stages' pages through their Domain hooks:

- ``submission_notices``: on the proposal page, the open information requests (prominent for the
  team, with the due date and the way to the answer) and the thread with its unread messages;
- ``submission_links`` / ``submissions_links``: the way from the owning unit's list of proposals
  to each proposal's thread (team and staff find it among the notices);
- ``review_extras``: on the juror's review page, the answers staff marked "for the jury" — the
  question, the answer and its files, on a blind call under neutral file names. Nothing else of a
  thread ever reaches a juror."""

from __future__ import annotations

from markupsafe import Markup

from challenge.challenges.policies import unit_ids_of
from challenge.jury.tables import Juror
from challenge.messages import attachments, policies, requests, threads
from challenge.organisations.tables import Membership
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.i18n import N_
from challenge.platform.markdown import render_markdown
from challenge.submissions.tables import Submission

MESSAGES = N_("Messages")


def _request_notice(submission_id, row: dict, side: str, now) -> dict:
    overdue = row["due_at"] < now
    href = f"/submissions/{submission_id}/messages#request-{row['id']}"
    if side == "team":
        title, link = N_("The city asks you for more information"), N_("Answer the request")
        tone = "danger" if overdue else "warning"
    else:
        title, link = N_("Open information request"), N_("Open the request")
        tone = "warning" if overdue else "info"
    return {
        "kind": "alert",
        "tone": tone,
        "title": title,
        "body_html": render_markdown(row["question"]),
        "due": row["due_at"],
        "overdue": overdue,
        "href": href,
        "link": link,
    }


async def submission_notices(user, submission: dict) -> list[dict]:
    """For the team and staff on the proposal page: each open request, then the thread's link
    with the reader's unread messages."""
    access = await policies.thread_access(user, "submission", submission["id"])
    if access is None or access["side"] not in ("team", "staff"):
        return []
    now = clock.now()
    notices = [
        _request_notice(submission["id"], row, access["side"], now)
        for row in await requests.open_of(submission["id"])
    ]
    notices.append(
        {
            "kind": "link",
            "href": threads.thread_path("submission", submission["id"]),
            "label": N_("Messages about this proposal"),
            "count": await threads.unread_count(user.id, "submission", submission["id"]),
        }
    )
    return notices


async def submission_links(user, submission: dict) -> list[tuple[str, str]]:
    """The owning unit's way to a proposal's thread (only where it reads the thread)."""
    access = await policies.thread_access(user, "submission", submission["id"])
    if access is None or access["side"] != "unit":
        return []
    return [(threads.thread_path("submission", submission["id"]), MESSAGES)]


async def submissions_links(user, submissions: list[dict]) -> dict:
    """:func:`submission_links` for a list at once, in four queries whatever its length: the
    proposals' units and deadlines, and the person's units, teams and jury seats. The rule is
    policies.submission_access's unit side (challenges.policies.unit_reads_submission: submitted,
    after the call's deadline, not a member of the team) and thread_access's juror refusal."""
    links: dict = {row["id"]: [] for row in submissions}
    if user is None or is_staff(user) or not links:
        return links
    units = await unit_ids_of(user)
    if not units:
        return links
    rows = await Submission.select(
        Submission.id,
        Submission.organisation,
        Submission.status,
        Submission.call,
        Submission.challenge.unit.as_alias("unit"),
        Submission.call.closes_at.as_alias("closes_at"),
    ).where(Submission.id.is_in(list(links)) & Submission.challenge.is_not_null())
    teams = {
        row["organisation"]
        for row in await Membership.select(Membership.organisation).where(
            Membership.user == user.id
        )
    }
    seats = {row["call"] for row in await Juror.select(Juror.call).where(Juror.user == user.id)}
    now = clock.now()
    for row in rows:
        if (
            row["unit"] in units
            and row["status"] != "draft"
            and row["closes_at"] is not None
            and now >= row["closes_at"]
            and row["organisation"] not in teams
            and row["call"] not in seats
        ):
            links[row["id"]] = [(threads.thread_path("submission", row["id"]), MESSAGES)]
    return links


def _extra_item(row: dict, blind: bool) -> dict:
    return {
        "parts": [
            (N_("Question"), render_markdown(row["question"])),
            (N_("Answer"), Markup(row["answer_html"])),  # sanitised when it was written
        ],
        "date": row["answered_at"],
        "files": [
            {
                "href": f"/api/v1/documents/{f['id']}",
                "name": attachments.neutral_name(i, f["filename"], "answer")
                if blind
                else f["filename"],
            }
            for i, f in enumerate(row["files"], 1)
        ],
    }


async def review_extras(user, submission: dict, blind: bool) -> list[dict]:
    """For the proposal's juror: the answered requests staff marked for the jury (no names, no
    other message of the thread); on a blind call the files under neutral names."""
    rows = await requests.for_jury_of(submission["id"])
    if not rows or not await policies.juror_reads_for_jury(user, submission):
        return []
    return [
        {
            "key": "information-requests",
            "title": N_("Information the city asked for"),
            "intro": N_(
                "After the proposal was submitted, the city asked the team these questions. "
                "The city's staff chose the answers for the jury."
            ),
            "items": [_extra_item(row, blind) for row in rows],
        }
    ]
