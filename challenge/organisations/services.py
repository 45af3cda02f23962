"""Organisation rules: founding, editing, inviting by mail, joining, leaving, removing."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import msgspec

from challenge import db
from challenge.organisations.policies import role_in
from challenge.organisations.schemas import OrganisationIn, OrganisationPatch
from challenge.organisations.tables import KINDS, Invitation, Membership, Organisation
from challenge.platform import clock
from challenge.platform.accounts.registration import limit_invitations
from challenge.platform.accounts.tables import User
from challenge.platform.accounts.validation import email_errors, name_errors, normalise_email
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.problems import FieldError, Problem, not_found

INVITATION_VALID = timedelta(days=14)


def _errors(data: dict[str, Any]) -> list[FieldError]:
    errors = []
    if not 2 <= len(data["name"].strip()) <= 200:
        errors.append(FieldError("name", N_("Enter a name of 2 to 200 characters.")))
    else:
        errors.extend(name_errors(data["name"]))
    if data["kind"] not in KINDS:
        errors.append(FieldError("kind", N_("Choose what kind of organisation this is.")))
    website = data.get("website", "").strip()
    if website and (
        urlsplit(website).scheme not in ("http", "https")
        or not urlsplit(website).hostname
        or len(website) > 300
    ):
        errors.append(FieldError("website", N_("Enter a web address starting with https://.")))
    if len(data.get("register_id", "")) > 100 or len(data.get("city", "")) > 100:
        errors.append(FieldError("city", N_("Use at most 100 characters.")))
    return errors


def _invalid(errors: list[FieldError]) -> Problem:
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )


async def visible_organisation(actor, organisation_id: UUID) -> dict:
    """The organisation if the actor is a member — otherwise 404."""
    row = await Organisation.select().where(Organisation.id == organisation_id).first()
    role = await role_in(actor, organisation_id) if row else None
    if row is None or role is None:
        raise not_found(N_("Organisation not found"))
    row["role"] = role
    return row


async def members(organisation_id: UUID) -> list[dict]:
    """The organisation's members with name, address and role, oldest first."""
    return (
        await Membership.select(
            Membership.user.id.as_alias("user_id"),
            Membership.user.name.as_alias("name"),
            Membership.user.email.as_alias("email"),
            Membership.role,
        )
        .where(Membership.organisation == organisation_id)
        .order_by(Membership.created_at)
    )


async def my_organisations(actor) -> list[dict]:
    """The organisations the person belongs to, with their role, by name."""
    rows = (
        await Membership.select(
            *Membership.organisation.all_columns(exclude=[Membership.organisation.updated_at]),
            Membership.role,
        )
        .where(Membership.user == actor.id)
        .order_by(Membership.organisation.name)
    )
    return [{k.removeprefix("organisation."): v for k, v in row.items()} for row in rows]


async def create_organisation(actor, data: OrganisationIn) -> dict:
    """Found an organisation; the founder becomes its owner."""
    values = {
        k: v.strip() if isinstance(v, str) else v for k, v in msgspec.structs.asdict(data).items()
    }
    errors = _errors(values)
    if errors:
        raise _invalid(errors)
    now = clock.now()
    async with db.write_transaction():
        organisation = Organisation(**values, created_at=now)
        await organisation.save()
        await Membership(
            organisation=organisation.id, user=actor.id, role="owner", created_at=now
        ).save()
        await record(
            "organisation.created",
            actor=actor,
            object_type="organisation",
            object_id=organisation.id,
            payload={"name": values["name"], "kind": values["kind"]},
        )
    return await visible_organisation(actor, organisation.id)


async def update_organisation(actor, organisation_id: UUID, patch: OrganisationPatch) -> dict:
    """Change the details; every member may (they all apply together)."""
    current = await visible_organisation(actor, organisation_id)
    changes = {
        k: v.strip() if isinstance(v, str) else v
        for k, v in msgspec.structs.asdict(patch).items()
        if v is not msgspec.UNSET
    }
    merged = {**current, **changes}
    errors = _errors(merged)
    if errors:
        raise _invalid(errors)
    async with db.write_transaction():
        await Organisation.update({getattr(Organisation, k): v for k, v in changes.items()}).where(
            Organisation.id == organisation_id
        )
        await record(
            "organisation.updated",
            actor=actor,
            object_type="organisation",
            object_id=organisation_id,
            payload={"fields": sorted(changes)},
        )
    return await visible_organisation(actor, organisation_id)


async def _require_owner(actor, organisation_id: UUID) -> dict:
    organisation = await visible_organisation(actor, organisation_id)
    if organisation["role"] != "owner":
        raise Problem(403, "forbidden", N_("Only the team's owners can do this."))
    return organisation


async def invite(actor, organisation_id: UUID, email: str, *, base_url: str, locale: str) -> dict:
    """Invite someone by mail; they join after logging in with that address."""
    organisation = await _require_owner(actor, organisation_id)
    email = normalise_email(email)
    if email_errors(email):
        raise _invalid(email_errors(email))
    already = await Membership.exists().where(
        (Membership.organisation == organisation_id) & (Membership.user.email == email)
    )
    if already:
        raise Problem(409, "already_member", N_("This person is already a member."))
    await limit_invitations(actor, email)
    token = secrets.token_urlsafe(32)
    now = clock.now()
    async with db.write_transaction():
        invitation = Invitation(
            organisation=organisation_id,
            email=email,
            invited_by=actor.id,
            created_at=now,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=now + INVITATION_VALID,
        )
        await invitation.save()
        invitee = await User.select(User.locale, User.name).where(User.email == email).first()
        await enqueue(
            email,
            "team_invitation",
            locale=(invitee or {}).get("locale", locale),
            context={
                "base_url": base_url,
                "team": organisation["name"],
                "inviter": actor.name,
                "link": f"{base_url}/teams/join?token={token}",
                "valid_days": INVITATION_VALID.days,
            },
        )
        await record(
            "organisation.invited",
            actor=actor,
            object_type="organisation",
            object_id=organisation_id,
            payload={"email": email},
        )
    return {"id": invitation.id, "email": email, "expires_at": invitation.expires_at}


async def find_invitation(token: str) -> dict:
    """The open invitation behind a token; invalid, used or expired tokens are refused."""
    row = (
        await Invitation.select(
            Invitation.id,
            Invitation.email,
            Invitation.expires_at,
            Invitation.accepted_at,
            Invitation.organisation,
            Invitation.organisation.name.as_alias("team"),
        )
        .where(Invitation.token_hash == hashlib.sha256(token.encode()).hexdigest())
        .first()
    )
    if row is None or row["accepted_at"] is not None or clock.now() >= row["expires_at"]:
        raise Problem(422, "invalid_token", N_("This invitation is invalid, used or expired."))
    return row


async def accept_invitation(actor, token: str) -> dict:
    """Join the team — only with the account of the invited address."""
    invitation = await find_invitation(token)
    if normalise_email(actor.email) != invitation["email"]:
        raise Problem(
            403,
            "wrong_account",
            N_(
                "This invitation was sent to another e-mail address. Log in with that address to accept it."
            ),
        )
    async with db.write_transaction():
        if not await Membership.exists().where(
            (Membership.organisation == invitation["organisation"]) & (Membership.user == actor.id)
        ):
            await Membership(
                organisation=invitation["organisation"],
                user=actor.id,
                role="member",
                created_at=clock.now(),
            ).save()
        await Invitation.update({Invitation.accepted_at: clock.now()}).where(
            Invitation.id == invitation["id"]
        )
        await record(
            "organisation.joined",
            actor=actor,
            object_type="organisation",
            object_id=invitation["organisation"],
        )
    return await visible_organisation(actor, invitation["organisation"])


async def _owners(organisation_id: UUID) -> int:
    return await Membership.count().where(
        (Membership.organisation == organisation_id) & (Membership.role == "owner")
    )


async def leave(actor, organisation_id: UUID) -> None:
    """Leave a team; the last owner has to hand over first."""
    organisation = await visible_organisation(actor, organisation_id)
    async with db.write_transaction():
        if organisation["role"] == "owner" and await _owners(organisation_id) == 1:
            raise Problem(
                422, "last_owner", N_("You are the last owner. Make another member an owner first.")
            )
        await Membership.delete().where(
            (Membership.organisation == organisation_id) & (Membership.user == actor.id)
        )
        await record(
            "organisation.left", actor=actor, object_type="organisation", object_id=organisation_id
        )


async def remove_member(actor, organisation_id: UUID, user_id: UUID) -> None:
    """Owners remove a member (not the last owner)."""
    await _require_owner(actor, organisation_id)
    member = (
        await Membership.select(Membership.role, Membership.user.email.as_alias("email"))
        .where((Membership.organisation == organisation_id) & (Membership.user == user_id))
        .first()
    )
    if member is None:
        raise not_found(N_("Member not found"))
    async with db.write_transaction():
        if member["role"] == "owner" and await _owners(organisation_id) == 1:
            raise Problem(422, "last_owner", N_("The last owner cannot be removed."))
        await Membership.delete().where(
            (Membership.organisation == organisation_id) & (Membership.user == user_id)
        )
        await record(
            "organisation.member_removed",
            actor=actor,
            object_type="organisation",
            object_id=organisation_id,
            payload={"email": member["email"]},
        )


async def make_owner(actor, organisation_id: UUID, user_id: UUID) -> None:
    """Owners can make another member an owner (so they can leave)."""
    await _require_owner(actor, organisation_id)
    async with db.write_transaction():
        updated = (
            await Membership.update({Membership.role: "owner"})
            .where((Membership.organisation == organisation_id) & (Membership.user == user_id))
            .returning(Membership.id)
        )
        if not updated:
            raise not_found(N_("Member not found"))
        await record(
            "organisation.owner_added",
            actor=actor,
            object_type="organisation",
            object_id=organisation_id,
            payload={"user": str(user_id)},
        )
