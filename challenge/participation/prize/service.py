"""The people's prize of a call: staff open the voting window on chosen proposals, write each
candidate's public title and summary, and the team consents (or declines) to be shown.

One voting per call (unique index prize_votings_call). Before it opens staff may change
everything; once open, candidates may be added but not removed, and the opening stays; after the
close nothing changes (422 ``voting_closed``). A candidate is on the public ballot only once its
team consented to the public title and summary; changing the text asks the team again. The
team's side is prize/consent.py.

Every function checks who may call it (staff: require_moderator), whatever page or API calls
it."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from challenge import db
from challenge.calls.tables import Call
from challenge.challenges.tables import Challenge
from challenge.participation.policies import may_moderate
from challenge.participation.tables import PrizeCandidate, PrizeVoting
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, forbidden, not_found
from challenge.results.tables import Decision
from challenge.submissions.tables import Submission

TITLE_MAX = 150
SUMMARY_MAX = 1000
NO_CHALLENGE = "-"  # the URL's key of the one implicit challenge of a call without challenges


def state_of(voting: dict, now: datetime | None = None) -> str:
    """upcoming (before opens_at), open, or closed (from closes_at on)."""
    now = now or clock.now()
    if now < voting["opens_at"]:
        return "upcoming"
    return "open" if now < voting["closes_at"] else "closed"


def require_moderator(actor) -> None:
    """401 ``not_authenticated`` without an account, 403 ``forbidden`` for anyone but staff (as
    the staff routes' guard answers)."""
    if actor is None:
        raise Problem(401, "not_authenticated", N_("Please log in."))
    if not may_moderate(actor):
        raise forbidden(N_("You are not allowed to do this."))


def invalid(field: str, message: str) -> Problem:
    """422 ``validation_error`` on one field."""
    return Problem(
        422,
        "validation_error",
        N_("Please check the marked fields."),
        errors=[FieldError(field, message)],
    )


def closed() -> Problem:
    """422 ``voting_closed``: outside the voting window."""
    return Problem(422, "voting_closed", N_("The people's prize voting is not open."))


async def voting_of(call_id: UUID) -> dict | None:
    """The call's voting, or None."""
    return await PrizeVoting.select().where(PrizeVoting.call == call_id).first()


async def require_voting(call: dict) -> dict:
    """The call's voting; 404 ``not_found`` when there is none."""
    voting = await voting_of(call["id"])
    if voting is None:
        raise not_found(N_("This call has no people's prize."))
    return voting


async def proposals_of_call(call_id: UUID) -> list[dict]:
    """The call's proposals that may stand (submitted, not withdrawn), with team, challenge and
    the jury's outcome, for the staff page."""
    rows = await Submission.select(
        Submission.id,
        Submission.title,
        Submission.summary,
        Submission.challenge,
        Submission.organisation.name.as_alias("team"),
        Submission.challenge.key.as_alias("challenge_key"),
        Submission.challenge.title.as_alias("challenge_title"),
    ).where((Submission.call == call_id) & (Submission.status == "submitted"))
    outcomes = {
        row["submission"]: row["outcome"]
        for row in await Decision.select(Decision.submission, Decision.outcome).where(
            Decision.call == call_id
        )
    }
    for row in rows:
        row["outcome"] = outcomes.get(row["id"])
    rows.sort(key=lambda r: (r["challenge_key"] or "", r["title"].lower()))
    return rows


def _check_window(opens_at: datetime, closes_at: datetime) -> None:
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise invalid("opens_at", N_("Give both times with their time zone."))
    if not opens_at < closes_at:
        raise invalid("closes_at", N_("The voting must close after it opens."))


async def _check_candidates(call_id: UUID, ids: list[UUID]) -> dict[UUID, dict]:
    if not ids:
        raise invalid("candidates", N_("Choose at least one proposal."))
    found = {row["id"]: row for row in await proposals_of_call(call_id)}
    if any(submission_id not in found for submission_id in ids):
        raise invalid(
            "candidates", N_("Candidates must be proposals to this call that were not withdrawn.")
        )
    return {submission_id: found[submission_id] for submission_id in ids}


def _check_change(voting: dict, opens_at: datetime, removed: set, now: datetime) -> None:
    state = state_of(voting, now)
    if state == "closed":
        raise closed()
    if state == "open" and opens_at != voting["opens_at"]:
        raise invalid("opens_at", N_("The voting is open: its opening cannot change."))
    if state == "open" and removed:
        raise invalid("candidates", N_("The voting is open: candidates cannot be removed."))


async def open_voting(
    actor, call: dict, opens_at: datetime, closes_at: datetime, candidate_ids: list[UUID]
) -> dict:
    """Open (or, before it opens, change) the call's voting with these candidates; audited.
    401/403 for anyone but staff."""
    require_moderator(actor)
    _check_window(opens_at, closes_at)
    ids = list(dict.fromkeys(candidate_ids))
    proposals = await _check_candidates(call["id"], ids)
    now = clock.now()
    async with db.write_transaction():
        await db.lock_row(Call, call["id"])
        voting = await voting_of(call["id"])
        if voting is None:
            voting = {"id": uuid.uuid4()}
            await PrizeVoting.insert(
                PrizeVoting(
                    id=voting["id"],
                    call=call["id"],
                    opens_at=opens_at,
                    closes_at=closes_at,
                    created_by=actor.id,
                    created_at=now,
                )
            )
            current: set = set()
        else:
            current = await _candidate_ids(voting["id"])
            _check_change(voting, opens_at, current - set(ids), now)
            await PrizeVoting.update(
                {PrizeVoting.opens_at: opens_at, PrizeVoting.closes_at: closes_at}
            ).where(PrizeVoting.id == voting["id"])
        await _set_candidates(voting["id"], proposals, current)
        await record(
            "prize.voting_set",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={
                "opens_at": opens_at,
                "closes_at": closes_at,
                "candidates": [str(i) for i in ids],
            },
        )
    return await voting_of(call["id"])


async def _candidate_ids(voting_id: UUID) -> set:
    rows = await PrizeCandidate.select(PrizeCandidate.submission).where(
        PrizeCandidate.voting == voting_id
    )
    return {row["submission"] for row in rows}


async def _set_candidates(voting_id: UUID, proposals: dict[UUID, dict], current: set) -> None:
    removed = current - set(proposals)
    if removed:
        await PrizeCandidate.delete().where(
            (PrizeCandidate.voting == voting_id) & PrizeCandidate.submission.is_in(list(removed))
        )
    added = [
        PrizeCandidate(
            id=uuid.uuid4(),
            voting=voting_id,
            submission=submission_id,
            challenge=row["challenge"],
            public_title=row["title"][:TITLE_MAX],
            summary=(row["summary"] or "")[:SUMMARY_MAX],
        )
        for submission_id, row in proposals.items()
        if submission_id not in current
    ]
    if added:
        await PrizeCandidate.insert(*added)


async def candidates_of(voting_id: UUID, *, consented_only: bool) -> list[dict]:
    """The voting's candidates with their challenge (key, title, id) and team name — the team
    is for staff only: public views take title and summary."""
    query = PrizeCandidate.select(
        PrizeCandidate.id,
        PrizeCandidate.submission,
        PrizeCandidate.challenge,
        PrizeCandidate.public_title,
        PrizeCandidate.summary,
        PrizeCandidate.consented_at,
        PrizeCandidate.declined_at,
        PrizeCandidate.challenge.key.as_alias("challenge_key"),
        PrizeCandidate.challenge.title.as_alias("challenge_title"),
        PrizeCandidate.challenge.position.as_alias("challenge_position"),
        PrizeCandidate.submission.organisation.name.as_alias("team"),
    ).where(PrizeCandidate.voting == voting_id)
    if consented_only:
        query = query.where(PrizeCandidate.consented_at.is_not_null())
    rows = await query
    rows.sort(key=lambda r: (r["challenge_position"] or 0, r["public_title"].lower()))
    return rows


def group_key(candidate: dict) -> str:
    """A candidate's challenge as the vote's challenge_key: the id as text, "" without one."""
    return str(candidate["challenge"]) if candidate["challenge"] else ""


def url_key(candidate: dict) -> str:
    """A candidate's challenge as the URL names it: its key in the call, "-" without one."""
    return candidate["challenge_key"] or NO_CHALLENGE


async def challenge_for_url(call: dict, key: str) -> str:
    """The vote's challenge_key for the URL's {challenge}; 404 when the call has no such."""
    if key == NO_CHALLENGE:
        return ""
    row = (
        await Challenge.select(Challenge.id)
        .where((Challenge.call == call["id"]) & (Challenge.key == key))
        .first()
    )
    if row is None:
        raise not_found(N_("Challenge not found"))
    return str(row["id"])


def _clean_text(title: str, summary: str) -> tuple[str, str]:
    title, summary = " ".join((title or "").split()), (summary or "").strip()
    if not 3 <= len(title) <= TITLE_MAX:
        raise invalid("public_title", N_("Between 3 and 150 characters, please."))
    if not 10 <= len(summary) <= SUMMARY_MAX:
        raise invalid("summary", N_("Between 10 and 1,000 characters, please."))
    return title, summary


async def set_text(actor, call: dict, submission_id: UUID, title: str, summary: str) -> bool:
    """Staff write a candidate's public title and summary (before the voting opens). Returns
    whether it changed; a change asks the team's consent again. 401/403 for anyone but staff."""
    require_moderator(actor)
    title, summary = _clean_text(title, summary)
    voting = await require_voting(call)
    if state_of(voting) != "upcoming":
        raise Problem(
            409, "voting_started", N_("The voting has started: the texts stay as consented.")
        )
    async with db.write_transaction():
        row = await candidate_row(voting["id"], submission_id)
        if (row["public_title"], row["summary"]) == (title, summary):
            return False
        await PrizeCandidate.update(
            {
                PrizeCandidate.public_title: title,
                PrizeCandidate.summary: summary,
                PrizeCandidate.consented_at: None,
                PrizeCandidate.consented_by: None,
                PrizeCandidate.declined_at: None,
            }
        ).where(PrizeCandidate.id == row["id"])
        await record(
            "prize.candidate_text",
            actor=actor,
            object_type="submission",
            object_id=submission_id,
            payload={"public_title": title},
        )
    return True


async def candidate_row(voting_id: UUID, submission_id: UUID) -> dict:
    """The proposal's candidacy in the voting; 404 when it is not a candidate."""
    row = (
        await PrizeCandidate.select()
        .where((PrizeCandidate.voting == voting_id) & (PrizeCandidate.submission == submission_id))
        .first()
    )
    if row is None:
        raise not_found(N_("This proposal is not a candidate."))
    return row
