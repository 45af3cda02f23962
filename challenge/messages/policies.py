"""Who may do what in conversations (issue 20): one function per permission, used by the
services, the pages and (as booleans the pages compute with them) the templates.

A thread's readers follow from its subject. A proposal ("submission", :func:`submission_access`):
its team, staff, and the owning city unit once the unit reads the proposal (submitted, after the
deadline; on a blind call without the team's names). What later stages hold ("workspace",
"partnership") they answer through ``Domain.thread_subjects`` (partnerships.threads). Jurors never
read a thread: a person whose only tie to the subject is a seat on the jury gets None (404), and a
unit member who sits on the call's jury is treated as a juror (blind review stays intact). Staff
(admins too) always read. The one thing of a thread a juror may see is an answer to an information
request that staff marked "for the jury" (:func:`juror_reads_answer`)."""

from __future__ import annotations

from uuid import UUID

from challenge.challenges.policies import unit_reads_submission
from challenge.jury.access import is_juror_of, juror_may_read
from challenge.organisations.policies import is_member
from challenge.organisations.tables import Membership
from challenge.platform.accounts.policies import is_staff
from challenge.platform.domains import each
from challenge.submissions.tables import Submission

# Where each side of a proposal's thread goes back to the proposal.
PROPOSAL_PAGES = {
    "team": "/submissions/{id}",
    "staff": "/staff/submissions/{id}",
    "unit": "/unit/proposals/{id}",
}


def subject_hooks() -> dict:
    """{subject type: access(user, subject_id)} of every installed domain."""
    return {
        kind: hook for _domain, hooks in each("thread_subjects") for kind, hook in hooks.items()
    }


async def _proposal(submission_id: UUID) -> dict | None:
    return (
        await Submission.select(
            Submission.id,
            Submission.organisation,
            Submission.call,
            Submission.challenge,
            Submission.status,
            Submission.title,
            Submission.reference,
            Submission.call.blind_review.as_alias("blind_review"),
        )
        .where(Submission.id == submission_id)
        .first()
    )


async def members_of(organisation_id: UUID) -> list[UUID]:
    """The team's members (whom a message from the city reaches)."""
    rows = await Membership.select(Membership.user).where(
        Membership.organisation == organisation_id
    )
    return [row["user"] for row in rows]


def proposal_title(row: dict) -> str:
    """A proposal as a thread names it: reference and title, never the team."""
    title = row["title"] or "–"
    return f"{row['reference']} – {title}" if row.get("reference") else title


async def submission_access(user, submission_id: UUID) -> dict | None:
    """The thread subject "submission": staff, the team's members, and the owning unit once it
    reads the proposal (challenges.policies.unit_reads_submission); None for everyone else."""
    row = await _proposal(submission_id)
    if row is None or user is None:
        return None
    if is_staff(user):
        side = "staff"
    elif await is_member(user, row["organisation"]):
        side = "team"
    elif await unit_reads_submission(user, row):
        side = "unit"
    else:
        return None
    return {
        "side": side,
        "call_id": row["call"],
        "title": proposal_title(row),
        "href": PROPOSAL_PAGES[side].format(id=row["id"]),
        "members": await members_of(row["organisation"]),
        # the unit reads a blind call's proposals without the team's name: its thread neither
        "anonymous_team": side == "unit" and bool(row["blind_review"]),
        "status": row["status"],
    }


async def thread_access(user, subject_type: str, subject_id: UUID) -> dict | None:
    """Who the person is in the thread on this subject — {"side", "call_id", "title", "href",
    "members", …} — or None: no access (callers answer 404). A unit member on the call's jury
    is refused as a juror would be."""
    hook = subject_hooks().get(subject_type)
    if user is None or hook is None:
        return None
    access = await hook(user, subject_id)
    if access is None:
        return None
    if access["side"] == "unit" and await is_juror_of(user, access["call_id"]):
        return None
    return access


def sees_names(access: dict) -> bool:
    """Whether the reader learns who wrote for the team (not the unit on a blind call)."""
    return not access.get("anonymous_team")


def may_manage_requests(user, access: dict | None) -> bool:
    """Information requests are the city's: staff ask, withdraw and show answers to the jury
    (finance, who reads a partnership's thread, does not)."""
    return access is not None and access["side"] == "staff" and is_staff(user)


def may_ask(user, access: dict | None) -> bool:
    """Staff ask a team for information about a submitted proposal."""
    return may_manage_requests(user, access) and access.get("status") == "submitted"


def may_answer(access: dict | None, request: dict) -> bool:
    """The team answers an open request — also after the call's deadline."""
    return access is not None and access["side"] == "team" and request["status"] == "open"


def may_show_to_jury(user, access: dict | None, request: dict) -> bool:
    """Staff decide whether an answered request is part of what the jury reads."""
    return may_manage_requests(user, access) and request["status"] == "answered"


def may_withdraw(user, access: dict | None, request: dict) -> bool:
    """Staff withdraw a request the team has not answered yet."""
    return may_manage_requests(user, access) and request["status"] == "open"


async def juror_reads_for_jury(user, submission: dict) -> bool:
    """Whether the person reads, as a juror, what staff marked "for the jury" on this proposal:
    only if the juror reads the proposal itself (assigned, declared, not conflicted:
    jury.access.juror_may_read)."""
    return await juror_may_read(user, submission)


async def juror_reads_answer(user, request: dict, submission: dict) -> bool:
    """A juror reads an answered request staff marked "for the jury" (and its file)."""
    return (
        bool(request["for_jury"])
        and request["status"] == "answered"
        and await juror_reads_for_jury(user, submission)
    )
