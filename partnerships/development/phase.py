"""The development phase's dates per call: when it runs, when offers are due (to the second),
and the open-source bonus cap. Until staff set them, defaults follow the published conditions:
eight weeks from the Monday after the results, offers due on the last day at 23:59:59 in
Leipzig, a bonus of up to 10,000 €."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import msgspec

from challenge import db
from challenge.platform import clock
from challenge.platform.accounts.policies import is_staff
from challenge.platform.audit.service import record
from challenge.platform.i18n import BERLIN, N_
from challenge.platform.problems import FieldError, Problem, forbidden
from partnerships.development.rules import DEFAULT_BONUS_CAP_CENTS, default_phase
from partnerships.development.tables import DevelopmentPhase

MAX_BONUS_CAP_CENTS = 10_000_000


class PhaseIn(msgspec.Struct, kw_only=True):
    starts_on: date
    ends_on: date
    offer_due_at: datetime | None = None  # None: the last day at 23:59:59 in Leipzig
    bonus_cap_cents: int = DEFAULT_BONUS_CAP_CENTS


def end_of_day(day: date) -> datetime:
    """23:59:59 of ``day`` in Leipzig, as an aware datetime."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=BERLIN)


async def phase_of(call: dict) -> dict:
    """The call's phase: {starts_on, ends_on, offer_due_at, bonus_cap_cents, set} — the stored
    row, or the defaults (``set`` False) from the results' publication (or today)."""
    row = await DevelopmentPhase.select().where(DevelopmentPhase.call == call["id"]).first()
    if row is not None:
        return {**row, "set": True}
    published = call.get("results_published_at") or call.get("results_at") or clock.now()
    starts_on, ends_on = default_phase(published.astimezone(BERLIN).date())
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "offer_due_at": end_of_day(ends_on),
        "bonus_cap_cents": DEFAULT_BONUS_CAP_CENTS,
        "set": False,
    }


def phase_errors(data: PhaseIn) -> list[FieldError]:
    """The end after the start, the offers due within a month after the end, a sane cap."""
    errors = []
    if data.ends_on <= data.starts_on:
        errors.append(FieldError("ends_on", N_("The end must come after the start.")))
    due = data.offer_due_at or end_of_day(data.ends_on)
    if due.tzinfo is None:
        errors.append(FieldError("offer_due_at", N_("Give the time with its time zone.")))
    elif not end_of_day(data.starts_on) <= due <= end_of_day(data.ends_on + timedelta(days=31)):
        errors.append(
            FieldError("offer_due_at", N_("Offers are due during the phase or shortly after."))
        )
    if not 0 <= data.bonus_cap_cents <= MAX_BONUS_CAP_CENTS:
        errors.append(FieldError("bonus_cap_cents", N_("Enter an amount between 0 and 100,000 €.")))
    return errors


async def set_phase(actor, call: dict, data: PhaseIn) -> dict:
    """Staff set the call's phase dates (create or change), audited."""
    if not is_staff(actor):
        raise forbidden()
    errors = phase_errors(data)
    if errors:
        raise Problem(
            422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
        )
    values = {
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "offer_due_at": data.offer_due_at or end_of_day(data.ends_on),
        "bonus_cap_cents": data.bonus_cap_cents,
    }
    async with db.write_transaction():
        existing = (
            await DevelopmentPhase.select(DevelopmentPhase.id)
            .where(DevelopmentPhase.call == call["id"])
            .first()
        )
        if existing is None:
            await DevelopmentPhase(call=call["id"], created_at=clock.now(), **values).save()
        else:
            await DevelopmentPhase.update(
                {getattr(DevelopmentPhase, k): v for k, v in values.items()}
            ).where(DevelopmentPhase.id == existing["id"])
        await record(
            "development.phase_set",
            actor=actor,
            object_type="call",
            object_id=call["id"],
            payload={k: str(v) for k, v in values.items()},
        )
    return await phase_of(call)
