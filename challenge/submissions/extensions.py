"""Deadline extensions: a later deadline granted to one team for one call."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from challenge import db
from challenge.organisations.tables import Organisation
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError
from challenge.submissions.services import invalid
from challenge.submissions.tables import DeadlineExtension


async def grant_extension(
    actor, call: dict, organisation_id: UUID, closes_at: datetime, reason: str
) -> dict:
    """Give one team until closes_at (later than the call's deadline), with a reason."""
    errors = []
    if closes_at.tzinfo is None or closes_at <= call["closes_at"]:
        errors.append(
            FieldError("closes_at", N_("The extension must end after the call's deadline."))
        )
    if len(reason.strip()) < 5:
        errors.append(FieldError("reason", N_("Give a reason (it is recorded in the audit log).")))
    if not await Organisation.exists().where(Organisation.id == organisation_id):
        errors.append(FieldError("organisation_id", N_("There is no such organisation.")))
    if errors:
        raise invalid(errors)
    async with db.write_transaction():
        extension = DeadlineExtension(
            call=call["id"],
            organisation=organisation_id,
            closes_at=closes_at,
            reason=reason.strip(),
            granted_by=actor.id,
            created_at=clock.now(),
        )
        await extension.save()
        await record(
            "submission.deadline_extended",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={
                "organisation": str(organisation_id),
                "closes_at": closes_at.isoformat(),
                "reason": reason.strip(),
            },
        )
    return extension.to_dict()
