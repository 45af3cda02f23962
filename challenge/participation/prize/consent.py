"""The team's consent to be on the people's prize ballot, with the public title and summary the
city's team wrote. Only members of the proposal's team see the candidacy (404 for anyone else).

The consent is bound to the text the team read: the form carries its fingerprint
(text_version), and the UPDATE requires the same title and summary; if staff changed the text
meanwhile, 409 ``text_changed`` and the team is shown the new text."""

from __future__ import annotations

import hashlib
from uuid import UUID

from challenge import db
from challenge.calls.tables import Call
from challenge.organisations.policies import is_member
from challenge.participation.prize.service import candidate_row, closed, state_of, voting_of
from challenge.participation.tables import PrizeCandidate
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import Problem, not_found
from challenge.submissions.tables import Submission


def text_version(title: str, summary: str) -> str:
    """A short fingerprint of a candidate's public title and summary: the consent form carries
    the one the team read, and the consent counts only for that text."""
    return hashlib.sha256(f"{title}\x00{summary}".encode()).hexdigest()[:32]


async def team_candidacy(user, submission_id: UUID) -> dict:
    """For a member of the proposal's team: its candidacy, voting and call; 404 otherwise (no
    candidacy, or not a member: the candidacy is the team's to know of)."""
    submission = (
        await Submission.select(Submission.id, Submission.organisation, Submission.call)
        .where(Submission.id == submission_id)
        .first()
    )
    if user is None or submission is None or not await is_member(user, submission["organisation"]):
        raise not_found(N_("This proposal is not a candidate."))
    voting = await voting_of(submission["call"])
    if voting is None:
        raise not_found(N_("This proposal is not a candidate."))
    candidate = await candidate_row(voting["id"], submission_id)
    call = (
        await Call.select(Call.id, Call.slug, Call.title).where(Call.id == voting["call"]).first()
    )
    return {"candidate": candidate, "voting": voting, "call": call}


def text_changed(candidate: dict) -> Problem:
    """409 ``text_changed``: the public text is no longer the one the team read."""
    return Problem(
        409,
        "text_changed",
        N_(
            "The city's team changed the public title or summary after you opened this page. "
            "Please read the new text and answer again."
        ),
        extra={
            "public_title": candidate["public_title"],
            "summary": candidate["summary"],
            "version": text_version(candidate["public_title"], candidate["summary"]),
        },
    )


async def decide_consent(
    user, submission_id: UUID, consent: bool, version: str | None = None
) -> dict:
    """A team member consents to the public title and summary, or declines (until the close);
    audited. 404 for anyone not in the team. ``version`` (text_version of what the team read;
    the page always sends it) binds a consent to that text: 409 ``text_changed`` when the text
    is another, also when staff change it in the same moment (the UPDATE requires the text).
    Declining removes the candidate from the ballot (votes for it stay, uncounted while it is
    not shown)."""
    found = await team_candidacy(user, submission_id)
    candidate = found["candidate"]
    if state_of(found["voting"]) == "closed":
        raise closed()
    seen = (candidate["public_title"], candidate["summary"])
    if consent and version is not None and version != text_version(*seen):
        raise text_changed(candidate)
    now = clock.now()
    values = (
        {
            PrizeCandidate.consented_at: now,
            PrizeCandidate.consented_by: user.id,
            PrizeCandidate.declined_at: None,
        }
        if consent
        else {
            PrizeCandidate.consented_at: None,
            PrizeCandidate.consented_by: None,
            PrizeCandidate.declined_at: now,
        }
    )
    where = PrizeCandidate.id == candidate["id"]
    if consent:
        where &= (PrizeCandidate.public_title == seen[0]) & (PrizeCandidate.summary == seen[1])
    async with db.write_transaction():
        changed = await PrizeCandidate.update(values).where(where).returning(PrizeCandidate.id)
        if not changed:
            raise text_changed(await candidate_row(found["voting"]["id"], submission_id))
        await record(
            "prize.consented" if consent else "prize.declined",
            actor=user,
            object_type="submission",
            object_id=submission_id,
            payload={"public_title": seen[0]},
        )
    return await team_candidacy(user, submission_id)
