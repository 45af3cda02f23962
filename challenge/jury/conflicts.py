"""Conflicts of interest, the shared records: which conflicts stand, which are locked, the teams
of a blind call, adding a conflict and the recusal it causes. The juror's declaration, the
suggestions, a juror's withdrawal and staff conflicts live beside this module
(``conflict_declaration``, ``conflict_suggestions``, ``conflict_withdrawal``, ``staff_conflicts``).
Membership and staff conflicts cannot be taken back."""

from __future__ import annotations

import hashlib
import hmac
from uuid import UUID

from challenge import db
from challenge.jury.tables import Assignment, Conflict, Review, Round
from challenge.organisations.tables import Membership
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem

# Conflicts the juror cannot take back: found from the juror's own team membership, set by staff,
# or marked by a binding rule (``conflict_suggestions``: e.g. the juror's unit contracts with the team).
LOCKED_SOURCES = frozenset({"member", "staff", "rule"})


def invalid(field: str, message: str) -> Problem:
    """The validation problem for one field (422)."""
    return Problem(
        422,
        "validation_error",
        N_("Some fields are missing or invalid."),
        errors=[FieldError(field, message)],
    )


def team_token(key: str, call_id: UUID, organisation_id: UUID) -> str:
    """An opaque reference to a team within one call (blind calls): neither the organisation's
    id nor an entry's, and different in every call."""
    return hmac.new(
        key.encode(), f"jury-team:{call_id}:{organisation_id}".encode(), hashlib.sha256
    ).hexdigest()[:24]


async def teams_of_user(user_id: UUID) -> set[UUID]:
    """The organisations the user is a member of."""
    return {
        m["organisation"]
        for m in await Membership.select(Membership.organisation).where(Membership.user == user_id)
    }


def is_locked(conflict: dict, organisation_id: UUID | None, own_teams: set[UUID]) -> bool:
    """Membership and staff conflicts stay; so does any conflict with an entry of one's own team."""
    return conflict["source"] in LOCKED_SOURCES or (
        organisation_id is not None and organisation_id in own_teams
    )


def teams(call: dict, rows: list[dict], key: str) -> list[dict]:
    """The entries grouped per team (blind calls): the token, the name, the members and — for the
    server only — the team's entries. Ordered by name, never by entry."""
    grouped: dict[UUID, dict] = {}
    for row in rows:
        team = grouped.setdefault(
            row["organisation"],
            {
                "token": team_token(key, call["id"], row["organisation"]),
                "organisation": row["organisation"],
                "organisation_name": row["organisation_name"],
                "members": row["members"],
                "submissions": [],
            },
        )
        team["submissions"].append(row["id"])
    return sorted(grouped.values(), key=lambda t: (t["organisation_name"].lower(), t["token"]))


def team_conflict(team: dict, conflicts: list[dict]) -> dict | None:
    """One conflict per team: the first (a locked one if any), standing for all its entries."""
    mine = sorted(
        (c for c in conflicts if c["submission"] in team["submissions"]),
        key=lambda c: (not c["locked"], c["created_at"], str(c["id"])),
    )
    if not mine:
        return None
    first = mine[0]
    return {
        "id": first["id"],
        "reason": first["reason"],
        "source": first["source"],
        "locked": first["locked"],
    }


async def active_conflicts(call_id: UUID, juror_id: UUID | None = None) -> list[dict]:
    """The call's conflicts that are not lifted (of one juror if given)."""
    query = Conflict.select().where((Conflict.call == call_id) & Conflict.lifted_at.is_null())
    if juror_id is not None:
        query = query.where(Conflict.juror == juror_id)
    return await query


async def add_conflict(
    call: dict, juror_id: UUID, submission_id: UUID, reason: str, source: str, actor
) -> dict:
    """Record a conflict (or confirm a juror's own mark as staff), recuse the assignment and
    audit it; returns the conflict as it stands."""
    async with db.write_transaction():
        current = (
            await Conflict.select()
            .where(
                (Conflict.call == call["id"])
                & (Conflict.juror == juror_id)
                & (Conflict.submission == submission_id)
                & Conflict.lifted_at.is_null()
            )
            .first()
        )
        if current is None:
            conflict = Conflict(
                call=call["id"],
                juror=juror_id,
                submission=submission_id,
                reason=reason,
                source=source,
                created_by=actor.id,
                created_at=clock.now(),
            )
            await conflict.save()
            current = conflict.to_dict()
        elif source in LOCKED_SOURCES and current["source"] not in LOCKED_SOURCES:
            # staff confirm a juror's own mark: from now on only staff can lift it
            await Conflict.update(
                {Conflict.source: source, Conflict.reason: reason, Conflict.created_by: actor.id}
            ).where(Conflict.id == current["id"])
            current = {**current, "source": source, "reason": reason, "created_by": actor.id}
        await recuse(call["id"], juror_id, submission_id)
        await record(
            "jury.conflict",
            actor=actor,
            object_type="submission",
            object_id=submission_id,
            payload={"juror": str(juror_id), "source": source, "reason": reason},
        )
    return current


async def recuse(call_id: UUID, juror_id: UUID, submission_id: UUID) -> None:
    """A conflict found after assignment: the assignment is recused, its review drops out."""
    rounds = [r["id"] for r in await Round.select(Round.id).where(Round.call == call_id)]
    if not rounds:
        return
    await Assignment.update({Assignment.status: "recused"}).where(
        Assignment.round.is_in(rounds)
        & (Assignment.juror == juror_id)
        & (Assignment.submission == submission_id)
    )
    await Review.update({Review.status: "recused"}).where(
        Review.round.is_in(rounds)
        & (Review.juror == juror_id)
        & (Review.submission == submission_id)
    )
