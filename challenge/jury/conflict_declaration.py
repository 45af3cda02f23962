"""The juror's declaration of conflicts before any content is shown (per team on blind calls):
what the juror sees with the suggested conflicts pre-marked, conflicts the juror declares, and
completing the declaration."""

from __future__ import annotations

import hmac
from uuid import UUID

from challenge import db
from challenge.jury.conflict_suggestions import graded
from challenge.jury.conflicts import (
    active_conflicts,
    add_conflict,
    invalid,
    is_locked,
    team_conflict,
    teams,
    teams_of_user,
)
from challenge.jury.scope import in_scope
from challenge.jury.services import entries, require_juror
from challenge.jury.tables import Conflict, Juror
from challenge.platform import clock
from challenge.platform.accounts.tables import User
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import not_found
from challenge.submissions.tables import Submission


async def declaration(call: dict, user, *, key: str = "") -> dict:
    """What a juror sees before any content: who applied, and the conflicts (pre-marked). On a
    blind call the entries are grouped per team (``teams``) and each team carries its conflict;
    nothing links an entry to its team. Only the entries of the juror's challenges (and so only
    their teams) are listed."""
    juror = await require_juror(call, user)
    rows = in_scope(juror, await entries(call))
    own_teams = await teams_of_user(user.id)
    if juror["declaration_completed_at"] is None:
        await _premark_suggestions(call, user, rows, own_teams)
    team_of = {r["id"]: r["organisation"] for r in rows}
    conflicts = [
        c for c in await active_conflicts(call["id"], user.id) if c["submission"] in team_of
    ]
    for conflict in conflicts:
        conflict["locked"] = is_locked(conflict, team_of.get(conflict["submission"]), own_teams)
    data = {
        "juror": juror,
        "entries": rows,
        "conflicts": conflicts,
        "blind": call["blind_review"],
        "complete": juror["declaration_completed_at"] is not None,
    }
    if call["blind_review"]:
        _show_per_team(data, call, rows, key)
    return data


async def _premark_suggestions(call: dict, user, rows: list[dict], own_teams: set[UUID]) -> None:
    """Record the suggested conflicts not yet on record (``member`` for the juror's own team,
    ``rule`` for a binding source's)."""
    user_row = await User.select().where(User.id == user.id).first()
    existing = {
        c["submission"]
        for c in await Conflict.select(Conflict.submission).where(
            (Conflict.call == call["id"]) & (Conflict.juror == user.id)
        )
    }
    new = [
        (sid, why, binding)
        for sid, (why, binding) in (await graded(user_row, rows)).items()
        if sid not in existing
    ]
    team_of = {r["id"]: r["organisation"] for r in rows}
    if new:
        async with db.write_transaction():
            for submission_id, why, binding in new:
                source = "rule" if binding else "suggested"
                if team_of.get(submission_id) in own_teams:
                    source = "member"
                await Conflict(
                    call=call["id"],
                    juror=user.id,
                    submission=submission_id,
                    reason=why,
                    source=source,
                    created_at=clock.now(),
                ).save()


def _show_per_team(data: dict, call: dict, rows: list[dict], key: str) -> None:
    """Blind call: no entries, the teams instead, one conflict per team."""
    data["entries"] = []
    data["teams"] = teams(call, rows, key)
    for team in data["teams"]:
        team["conflict"] = team_conflict(team, data["conflicts"])
    data["conflicts"] = [
        dict(t["conflict"], team=t["token"]) for t in data["teams"] if t["conflict"]
    ]


async def declare_conflict(
    call: dict,
    user,
    reason: str,
    *,
    submission_id: UUID | None = None,
    organisation_id: UUID | None = None,
    team: str | None = None,
    key: str = "",
) -> list[dict]:
    """A juror declares a conflict with an entry, or with a whole team; on a blind call only with
    a team (its token from the declaration): the server finds the team's entries. Also after
    assignment, when the assignment is recused. Only entries of the juror's challenges."""
    juror = await require_juror(call, user)
    if not reason.strip():
        raise invalid("reason", N_("Give a reason."))
    if call["blind_review"]:
        if team is None or submission_id is not None or organisation_id is not None:
            raise invalid("team", N_("Name the team."))
        return await _declare_for_team(call, juror, user, reason.strip(), team, key)
    return await _declare_for_entries(
        call, juror, user, reason.strip(), submission_id, organisation_id
    )


async def _declare_for_team(
    call: dict, juror: dict, user, reason: str, team: str, key: str
) -> list[dict]:
    """Blind call: a conflict with every entry of the team named by its token."""
    rows = in_scope(juror, await entries(call))
    found = next(
        (t for t in teams(call, rows, key) if hmac.compare_digest(t["token"], team)),
        None,
    )
    if found is None:
        raise not_found(N_("Team not found"))
    rows = [
        await add_conflict(call, user.id, sid, reason, "declared", user)
        for sid in found["submissions"]
    ]
    own_teams = await teams_of_user(user.id)
    for row in rows:
        row["locked"] = is_locked(row, found["organisation"], own_teams)
    return [dict(team_conflict(found, rows), team=found["token"])]


async def _declare_for_entries(
    call: dict,
    juror: dict,
    user,
    reason: str,
    submission_id: UUID | None,
    organisation_id: UUID | None,
) -> list[dict]:
    """A conflict with one submitted entry, or with every submitted entry of a team (of the
    juror's challenges)."""
    where = (Submission.call == call["id"]) & (Submission.status == "submitted")
    if submission_id is not None:
        where &= Submission.id == submission_id
    elif organisation_id is not None:
        where &= Submission.organisation == organisation_id
    else:
        raise invalid("submission_id", N_("Name the entry or the team."))
    targets = in_scope(
        juror,
        await Submission.select(Submission.id, Submission.organisation, Submission.challenge).where(
            where
        ),
    )
    if not targets:
        raise not_found(N_("Submission not found"))
    own_teams = await teams_of_user(user.id)
    rows = []
    for target in targets:
        row = await add_conflict(call, user.id, target["id"], reason, "declared", user)
        rows.append({**row, "locked": is_locked(row, target["organisation"], own_teams)})
    return rows


async def complete_declaration(call: dict, user) -> dict:
    """The juror completes the declaration (and so accepts the invitation); audited with the
    number of conflicts. Returns the juror."""
    juror = await require_juror(call, user)
    if juror["declaration_completed_at"] is None:
        async with db.write_transaction():
            await Juror.update(
                {
                    Juror.declaration_completed_at: clock.now(),
                    Juror.accepted_at: juror["accepted_at"] or clock.now(),
                }
            ).where(Juror.id == juror["id"])
            conflicts = await active_conflicts(call["id"], user.id)
            await record(
                "jury.declaration_completed",
                actor=user,
                object_type="call",
                object_id=call["id"],
                payload={"conflicts": len(conflicts)},
            )
    return await require_juror(call, user)
