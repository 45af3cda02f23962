"""Jury rules: inviting jurors, declaring conflicts before anything is revealed, suggestions."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from pathlib import Path
from uuid import UUID

from challenge import db
from challenge.challenges import placement
from challenge.jury.scope import challenge_ids_for
from challenge.jury.tables import Assignment, Juror, Round
from challenge.organisations.tables import Membership
from challenge.platform import clock
from challenge.platform.accounts.invitations import check_invitation, invited_account
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.problems import Problem, not_found
from challenge.submissions.tables import Submission


@cache
def public_mail_domains() -> frozenset[str]:
    """Mail domains of public providers, which say nothing about where someone works."""
    path = Path(__file__).parent / "data" / "public_mail_providers.txt"
    return frozenset(
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )


async def existing_round(call_id, number: int) -> dict | None:
    """The call's round if it exists (never creates one)."""
    return (
        await Round.select()
        .output(load_json=True)
        .where((Round.call == call_id) & (Round.number == number))
        .first()
    )


async def round_of(call: dict, number: int = 1) -> dict:
    """The call's round; round 1 is created from the call's rubric when first needed."""
    row = await existing_round(call["id"], number)
    if row is None and number == 1:
        await Round(
            call=call["id"],
            number=1,
            name="Runde 1",
            criteria=call["criteria"] or [],
            ends_at=call.get("jury_ends_at"),
            created_at=clock.now(),
        ).save()
        row = await existing_round(call["id"], 1)
    if row is None:
        raise not_found(N_("Round not found"))
    return row


async def juror_of(call: dict, user) -> dict | None:
    """The user's juror record on the call's jury, or None."""
    if user is None:
        return None
    return (
        await Juror.select()
        .output(load_json=True)
        .where((Juror.call == call["id"]) & (Juror.user == user.id))
        .first()
    )


async def _titles(call: dict, challenge_ids: list[str]) -> list[str]:
    """The titles of the juror's challenges, in the call's order (for the invitation)."""
    return [
        c["title"] for c in await placement.of_call(call["id"]) if str(c["id"]) in challenge_ids
    ]


async def invite_juror(
    actor,
    call: dict,
    *,
    email: str,
    name: str,
    base_url: str,
    challenges: list[str] | None = None,
) -> dict:
    """Invite by mail, for the whole call or for the call's challenges named by key (422 on
    ``challenges`` for an unknown key); a new person gets an account and a link to set a
    password."""
    email = await check_invitation(actor, email, name)
    challenge_ids = await challenge_ids_for(call, challenges)
    async with db.write_transaction():
        user, set_password_link = await invited_account(email, name, base_url)
        if await Juror.exists().where((Juror.call == call["id"]) & (Juror.user == user["id"])):
            raise Problem(409, "already_juror", N_("This person is already on the jury."))
        juror = Juror(
            call=call["id"],
            user=user["id"],
            challenges=challenge_ids,
            invited_by=actor.id,
            invited_at=clock.now(),
        )
        await juror.save()
        await enqueue(
            email,
            "juror_invitation",
            locale=user["locale"],
            context={
                "base_url": base_url,
                "name": user["name"],
                "call": call["title"],
                "link": f"{base_url}/jury/calls/{call['slug']}",
                "set_password_link": set_password_link,
                "challenges": await _titles(call, challenge_ids),
            },
            scope=str(call["id"]),
        )
        await record(
            "jury.invited",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"email": email, "challenges": sorted(set(challenges or []))},
        )
    return {
        "id": juror.id,
        "user_id": user["id"],
        "email": email,
        "accepted_at": None,
        "challenges": sorted(set(challenges or [])),
    }


async def require_juror(call: dict, user) -> dict:
    """The user's juror record on the call's jury; 404 for anyone else."""
    juror = await juror_of(call, user)
    if juror is None:
        raise not_found(N_("Call not found"))
    return juror


async def accept(call: dict, user) -> dict:
    """The juror accepts the invitation (once; accepting again changes nothing)."""
    juror = await require_juror(call, user)
    if juror["accepted_at"] is None:
        async with db.write_transaction():
            await Juror.update({Juror.accepted_at: clock.now()}).where(Juror.id == juror["id"])
            await record("jury.accepted", actor=user, object_type="call", object_id=call["id"])
    return await require_juror(call, user)


async def entries(call: dict) -> list[dict]:
    """The submitted proposals of the call with their challenge, team and members."""
    rows = (
        await Submission.select(
            Submission.id,
            Submission.title,
            Submission.category,
            Submission.challenge,
            Submission.organisation,
            Submission.organisation.name.as_alias("organisation_name"),
        )
        .where((Submission.call == call["id"]) & (Submission.status == "submitted"))
        .order_by(Submission.reference)
    )
    members = await Membership.select(
        Membership.organisation,
        Membership.user.name.as_alias("name"),
        Membership.user.email.as_alias("email"),
        Membership.user.id.as_alias("user_id"),
    ).where(Membership.organisation.is_in([r["organisation"] for r in rows] or [UUID(int=0)]))
    for row in rows:
        row["members"] = [m for m in members if m["organisation"] == row["organisation"]]
    return rows


REMIND_EVERY = timedelta(days=1)


async def _open_reviews(user_id: UUID, call_id: UUID, challenge_id: UUID | None) -> int:
    """The juror's open assignments in the call (of one challenge if given)."""
    where = (
        (Assignment.juror == user_id)
        & (Assignment.status == "assigned")
        & (Assignment.round.call == call_id)
    )
    if challenge_id is not None:
        where &= Assignment.submission.challenge == challenge_id
    return await Assignment.count().where(where)


async def remind(actor, call: dict, *, base_url: str, challenge_id: UUID | None = None) -> int:
    """Mail jurors with open reviews (of one challenge if given) — at most once per juror per
    day."""
    now = clock.now()
    jurors = await Juror.select(
        Juror.id,
        Juror.user,
        Juror.last_reminded_at,
        Juror.user.email.as_alias("email"),
        Juror.user.name.as_alias("name"),
        Juror.user.locale.as_alias("locale"),
    ).where(Juror.call == call["id"])
    sent = 0
    async with db.write_transaction():
        for juror in jurors:
            if (
                juror["last_reminded_at"] is not None
                and now - juror["last_reminded_at"] < REMIND_EVERY
            ):
                continue
            open_reviews = await _open_reviews(juror["user"], call["id"], challenge_id)
            if not open_reviews:
                continue
            await enqueue(
                juror["email"],
                "juror_reminder",
                locale=juror["locale"],
                context={
                    "base_url": base_url,
                    "name": juror["name"],
                    "call": call["title"],
                    "open": open_reviews,
                    "link": f"{base_url}/jury/calls/{call['slug']}",
                },
                scope=str(call["id"]),
            )
            await Juror.update({Juror.last_reminded_at: now}).where(Juror.id == juror["id"])
            sent += 1
        await record(
            "jury.reminded",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={"sent": sent, "challenge": str(challenge_id) if challenge_id else None},
        )
    return sent


async def my_juries(user) -> list[dict]:
    """The juries the user serves on, with acceptance and declaration state."""
    return await Juror.select(
        Juror.accepted_at,
        Juror.declaration_completed_at,
        Juror.call.slug.as_alias("slug"),
        Juror.call.title.as_alias("title"),
        Juror.call.jury_ends_at.as_alias("jury_ends_at"),
        Juror.call.as_alias("call_id"),
    ).where(Juror.user == user.id)
