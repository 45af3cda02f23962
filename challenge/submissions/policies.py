"""Who may see and change a submission: its team's members change it; staff read it; later
stages add readers through ``Domain.submission_readers`` (the jury: assigned jurors)."""

from __future__ import annotations

from challenge.calls.tables import Call
from challenge.organisations.policies import is_member
from challenge.platform.accounts.policies import is_staff
from challenge.platform.documents.downloads import neutral_filename
from challenge.platform.documents.tables import Document
from challenge.platform.domains import each
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem
from challenge.submissions.outcomes import outcome_for
from challenge.submissions.tables import Submission

# Documents the portal issues about a submission (its receipts) are not attachments of the
# proposal: only the team and staff read them, jurors neither list nor download them (they
# name the team), and the team cannot remove them.
ISSUED_OWNER_TYPE = "submission_issued"


async def may_read(user, submission: dict) -> bool:
    """Members and staff, and whom a later stage admits (the jury: assigned, unconflicted
    jurors after their declaration)."""
    if is_staff(user) or await is_member(user, submission["organisation"]):
        return True
    for _domain, readers in each("submission_readers"):
        for reader in readers:
            if await reader(user, submission):
                return True
    return False


async def reads_blind(user, submission: dict, call: dict) -> bool:
    """A juror on a blind call sees no names: not the team, not its members, not file names."""
    return (
        bool(call["blind_review"])
        and not is_staff(user)
        and not await is_member(user, submission["organisation"])
    )


async def may_edit(user, submission: dict) -> bool:
    """Only the team's members change a proposal."""
    return await is_member(user, submission["organisation"])


WITHDRAWAL_CLOSED = N_(
    "The results are published and this proposal was selected, so it can no longer be "
    "withdrawn. Please write to the city's team if your plans have changed."
)


async def withdrawal_refusal(call: dict, submission: dict) -> Problem | None:
    """Why the team may not withdraw this proposal now, or None when it may: a withdrawn
    proposal stays withdrawn, and once the results are published an entry the city selected
    (any outcome but not_selected) is part of them. The withdraw service, the API and the
    proposal page all ask this one function; the outcome comes from a later stage through
    Domain.submission_outcome (None before publication)."""
    if submission["status"] == "withdrawn":
        return Problem(409, "withdrawn", N_("This proposal was withdrawn and cannot be changed."))
    outcome = await outcome_for(call, submission["id"])
    if outcome is not None and outcome.get("outcome") != "not_selected":
        return Problem(409, "withdrawal_closed", WITHDRAWAL_CLOSED)
    return None


async def may_read_as_team(user, submission: dict) -> bool:
    """The team's own views (its pages, the receipt): members and staff. Not jurors: they read an
    entry on the review pages, which leave out what a blind call hides (the team's name)."""
    return is_staff(user) or await is_member(user, submission["organisation"])


async def document_reader(user, document: dict) -> bool:
    """A proposal's attachments: whoever may read the proposal."""
    row = (
        await Submission.select(
            Submission.id,
            Submission.organisation,
            Submission.call,
            Submission.challenge,
            Submission.status,
        )
        .where(Submission.id == document["owner_id"])
        .first()
    )
    return row is not None and await may_read(user, row)


async def document_namer(user, document: dict) -> str | None:
    """Attachments reach blind jurors as Anlage-1.pdf, Anlage-2.pdf, …"""
    row = (
        await Submission.select(Submission.id, Submission.organisation, Submission.call)
        .where(Submission.id == document["owner_id"])
        .first()
    )
    call = await Call.select(Call.blind_review).where(Call.id == row["call"]).first()
    if not await reads_blind(user, row, call):
        return None
    ids = [
        d["id"]
        for d in await Document.select(Document.id)
        .where(
            (Document.owner_type == "submission")
            & (Document.owner_id == document["owner_id"])
            & (Document.status == "stored")
        )
        .order_by(Document.created_at)
    ]
    return neutral_filename(ids.index(document["id"]) + 1, document["filename"])


async def redacted_reader(user, document: dict) -> bool:
    """Jurors read attachments without their metadata (author, creator, XMP): team and staff
    get the original."""
    row = (
        await Submission.select(Submission.organisation)
        .where(Submission.id == document["owner_id"])
        .first()
    )
    return row is not None and not await may_read_as_team(user, row)


async def issued_reader(user, document: dict) -> bool:
    """Documents issued about a proposal (receipts): the team and staff."""
    row = (
        await Submission.select(Submission.organisation)
        .where(Submission.id == document["owner_id"])
        .first()
    )
    return row is not None and await may_read_as_team(user, row)
