"""Conflicts of interest: what the system suggests, the juror's declaration before any content
is shown (per team on blind calls), conflicts declared, withdrawn, set or lifted by staff, and
the recusal they cause. Membership and staff conflicts cannot be taken back."""

from __future__ import annotations

import hashlib
import hmac
import inspect
from uuid import UUID

from challenge import db
from challenge.jury.services import entries, public_mail_domains, require_juror
from challenge.jury.tables import Assignment, Conflict, Juror, Review, Round
from challenge.organisations.tables import Membership
from challenge.platform import clock
from challenge.platform.accounts.tables import User
from challenge.platform.audit.service import record
from challenge.platform.domains import each
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.submissions.tables import Submission

# Further sources of suggestions come from the installed domains' ``conflict_suggesters``: a
# suggester(user_row, rows) -> {submission_id: reason} (or an awaitable of it) is asked on every
# declaration. The partnerships package adds "an earlier partnership between the juror's
# organisation and the applicant" (challenge never imports it).


async def suggestions_for(user_row: dict, rows: list[dict]) -> dict[UUID, str]:
    """Submission id → why the system suggests a conflict (membership, mail domain, affiliation,
    and what registered sources add, e.g. an earlier partnership)."""
    suggested = {}
    for suggester in [s for _domain, found in each("conflict_suggesters") for s in found]:
        found = suggester(user_row, rows)
        suggested.update(await found if inspect.isawaitable(found) else found)
    for row in rows:
        reason = _own_reason(user_row, row)
        if reason:
            suggested[row["id"]] = reason
    return suggested


def _own_reason(user_row: dict, row: dict) -> str | None:
    """The portal's own reasons: membership, a mail address at the same domain, the affiliation."""
    domain = user_row["email"].rsplit("@", 1)[-1]
    affiliation = (user_row.get("affiliation") or "").strip().lower()
    organisation = row["organisation_name"].lower()
    if any(m["user_id"] == user_row["id"] for m in row["members"]):
        return N_("You are a member of this team.")
    if domain not in public_mail_domains() and any(
        m["email"].rsplit("@", 1)[-1] == domain for m in row["members"]
    ):
        return N_("A team member has an e-mail address at your organisation's domain.")
    if (
        affiliation
        and len(affiliation) >= 3
        and (affiliation in organisation or organisation in affiliation)
    ):
        return N_("Your stated affiliation matches this organisation.")
    return None


# Conflicts the juror cannot take back: found from the juror's own team membership, or set by staff.
LOCKED_SOURCES = frozenset({"member", "staff"})


def team_token(key: str, call_id: UUID, organisation_id: UUID) -> str:
    """An opaque reference to a team within one call (blind calls): neither the organisation's
    id nor an entry's, and different in every call."""
    return hmac.new(
        key.encode(), f"jury-team:{call_id}:{organisation_id}".encode(), hashlib.sha256
    ).hexdigest()[:24]


async def teams_of_user(user_id: UUID) -> set[UUID]:
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


async def active_conflicts(call_id: UUID, juror_id: UUID | None = None) -> list[dict]:
    query = Conflict.select().where((Conflict.call == call_id) & Conflict.lifted_at.is_null())
    if juror_id is not None:
        query = query.where(Conflict.juror == juror_id)
    return await query


async def declaration(call: dict, user, *, key: str = "") -> dict:
    """What a juror sees before any content: who applied, and the conflicts (pre-marked). On a
    blind call the entries are grouped per team (``teams``) and each team carries its conflict;
    nothing links an entry to its team."""
    juror = await require_juror(call, user)
    rows = await entries(call)
    own_teams = await teams_of_user(user.id)
    if juror["declaration_completed_at"] is None:
        user_row = await User.select().where(User.id == user.id).first()
        existing = {
            c["submission"]
            for c in await Conflict.select(Conflict.submission).where(
                (Conflict.call == call["id"]) & (Conflict.juror == user.id)
            )
        }
        new = [
            (sid, why)
            for sid, why in (await suggestions_for(user_row, rows)).items()
            if sid not in existing
        ]
        team_of = {r["id"]: r["organisation"] for r in rows}
        if new:
            async with db.write_transaction():
                for submission_id, why in new:
                    source = "member" if team_of.get(submission_id) in own_teams else "suggested"
                    await Conflict(
                        call=call["id"],
                        juror=user.id,
                        submission=submission_id,
                        reason=why,
                        source=source,
                        created_at=clock.now(),
                    ).save()
    conflicts = await active_conflicts(call["id"], user.id)
    team_of = {r["id"]: r["organisation"] for r in rows}
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
        data["entries"] = []
        data["teams"] = teams(call, rows, key)
        for team in data["teams"]:
            team["conflict"] = _team_conflict(team, conflicts)
        data["conflicts"] = [
            dict(t["conflict"], team=t["token"]) for t in data["teams"] if t["conflict"]
        ]
    return data


def _team_conflict(team: dict, conflicts: list[dict]) -> dict | None:
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
    assignment, when the assignment is recused."""
    await require_juror(call, user)
    if not reason.strip():
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("reason", N_("Give a reason."))],
        )
    if call["blind_review"]:
        if team is None or submission_id is not None or organisation_id is not None:
            raise Problem(
                422,
                "validation_error",
                N_("Some fields are missing or invalid."),
                errors=[FieldError("team", N_("Name the team."))],
            )
        found = next(
            (
                t
                for t in teams(call, await entries(call), key)
                if hmac.compare_digest(t["token"], team)
            ),
            None,
        )
        if found is None:
            raise not_found(N_("Team not found"))
        rows = [
            await _add_conflict(call, user.id, sid, reason.strip(), "declared", user)
            for sid in found["submissions"]
        ]
        own_teams = await teams_of_user(user.id)
        for row in rows:
            row["locked"] = is_locked(row, found["organisation"], own_teams)
        return [dict(_team_conflict(found, rows), team=found["token"])]
    where = (Submission.call == call["id"]) & (Submission.status == "submitted")
    if submission_id is not None:
        where &= Submission.id == submission_id
    elif organisation_id is not None:
        where &= Submission.organisation == organisation_id
    else:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("submission_id", N_("Name the entry or the team."))],
        )
    targets = await Submission.select(Submission.id, Submission.organisation).where(where)
    if not targets:
        raise not_found(N_("Submission not found"))
    own_teams = await teams_of_user(user.id)
    rows = []
    for target in targets:
        row = await _add_conflict(call, user.id, target["id"], reason.strip(), "declared", user)
        rows.append({**row, "locked": is_locked(row, target["organisation"], own_teams)})
    return rows


async def _add_conflict(
    call: dict, juror_id: UUID, submission_id: UUID, reason: str, source: str, actor
) -> dict:
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


async def withdraw_own_conflict(call: dict, user, conflict_id: UUID, reason: str = "") -> None:
    """Before completing the declaration a juror may take back a mark (suggested or own) with a
    reason (audited; the mark stays on record as lifted). Membership and staff conflicts stay. On
    a blind call the mark stands for the team: all its entries are taken back together."""
    juror = await require_juror(call, user)
    if juror["declaration_completed_at"] is not None:
        raise Problem(
            409,
            "declaration_complete",
            N_("The declaration is complete; ask the staff to lift a conflict."),
        )
    conflict = (
        await Conflict.select(
            *Conflict.all_columns(), Conflict.submission.organisation.as_alias("organisation")
        )
        .where(
            (Conflict.id == conflict_id)
            & (Conflict.juror == user.id)
            & (Conflict.call == call["id"])
            & Conflict.lifted_at.is_null()
        )
        .first()
    )
    if conflict is None:
        raise not_found(N_("Conflict not found"))
    group = [conflict]
    if call["blind_review"]:
        group = await Conflict.select(
            *Conflict.all_columns(), Conflict.submission.organisation.as_alias("organisation")
        ).where(
            (Conflict.juror == user.id)
            & (Conflict.call == call["id"])
            & Conflict.lifted_at.is_null()
            & (Conflict.submission.organisation == conflict["organisation"])
        )
    own_teams = await teams_of_user(user.id)
    if any(is_locked(c, c["organisation"], own_teams) for c in group):
        raise Problem(
            403,
            "conflict_locked",
            N_(
                "This conflict comes from your team membership or from the staff; it cannot be taken back."
            ),
        )
    if not reason.strip():
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("reason", N_("Give a reason for taking the conflict back."))],
        )
    async with db.write_transaction():
        for row in group:
            updated = (
                await Conflict.update(
                    {Conflict.lifted_at: clock.now(), Conflict.lift_reason: reason.strip()}
                )
                .where((Conflict.id == row["id"]) & Conflict.lifted_at.is_null())
                .returning(Conflict.id)
            )
            if updated:
                await record(
                    "jury.conflict_withdrawn",
                    actor=user,
                    object_type="submission",
                    object_id=row["submission"],
                    payload={
                        "conflict": str(row["id"]),
                        "juror": str(user.id),
                        "source": row["source"],
                        "reason": reason.strip(),
                    },
                )


async def complete_declaration(call: dict, user) -> dict:
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


async def staff_conflict(
    actor, call: dict, *, juror_id: UUID, submission_id: UUID, reason: str
) -> dict:
    if len(reason.strip()) < 3:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("reason", N_("Give a reason."))],
        )
    return await _add_conflict(call, juror_id, submission_id, reason.strip(), "staff", actor)


async def lift_conflict(actor, call: dict, conflict_id: UUID, reason: str) -> None:
    if len(reason.strip()) < 3:
        raise Problem(
            422,
            "validation_error",
            N_("Some fields are missing or invalid."),
            errors=[FieldError("reason", N_("Give a reason."))],
        )
    async with db.write_transaction():
        updated = (
            await Conflict.update(
                {Conflict.lifted_at: clock.now(), Conflict.lift_reason: reason.strip()}
            )
            .where(
                (Conflict.id == conflict_id)
                & (Conflict.call == call["id"])
                & Conflict.lifted_at.is_null()
            )
            .returning(Conflict.id)
        )
        if not updated:
            raise not_found(N_("Conflict not found"))
        await record(
            "jury.conflict_lifted",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"conflict": str(conflict_id), "reason": reason.strip()},
        )
