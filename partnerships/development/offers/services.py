"""The team's offer as a draft: who reads and writes it, optimistic saves (the database decides:
``UPDATE … WHERE version = n``, and the unique submission index on creation), the rules of
the challenge (duration, budget, licence) and the offer's canonical content for its SHA-256."""

from __future__ import annotations

import hashlib
from datetime import datetime
from uuid import UUID

import msgspec

from challenge import db
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, forbidden, not_found
from partnerships.development import access
from partnerships.development.phase import phase_of
from partnerships.development.rules import offer_errors
from partnerships.development.schemas import OfferIn
from partnerships.development.tables import Offer

CONTENT = (
    "scope",
    "goals",
    "indicators",
    "months",
    "milestones",
    "costs",
    "followup_cents_per_year",
    "operation",
    "personal_data",
    "hosting",
    "open_source",
    "public_summary",
    "consent_publication",
)


# What a save leaves as it is (returned by the UPDATE instead of reading the row again).
UNTOUCHED = (
    Offer.id,
    Offer.challenge,
    Offer.status,
    Offer.presentation_document,
    Offer.sha256,
    Offer.submitted_at,
    Offer.submitted_by,
    Offer.created_at,
    Offer.updated_at,
)


async def readable(actor, submission_id: UUID) -> dict:
    """The selected entry if ``actor`` may read its offer (team, owning unit, staff) — else 404."""
    entry = await access.selected_entry(submission_id)
    if entry is None or not await access.may_read_offer(actor, entry):
        raise not_found(access.NOT_FOUND)
    return entry


async def writable(actor, submission_id: UUID) -> dict:
    """The selected entry if ``actor`` writes its offer (the team): 404 for who may not read
    it, 403 for readers who may not write (unit, staff)."""
    entry = await access.selected_entry(submission_id)
    if entry is None:
        raise not_found(access.NOT_FOUND)
    if await access.may_edit_offer(actor, entry):
        return entry
    if await access.may_read_offer(actor, entry):
        raise forbidden(N_("Only the team writes and submits its offer."))
    raise not_found(access.NOT_FOUND)


async def due_at(entry: dict) -> datetime:
    """When the entry's offer is due (to the second), from the call's development phase."""
    if "offer_due_at" not in entry:  # asked once per request
        call = {"id": entry["call"], "results_published_at": entry["results_published_at"]}
        entry["offer_due_at"] = (await phase_of(call))["offer_due_at"]
    return entry["offer_due_at"]


def check_due(due: datetime, now: datetime) -> None:
    """Refuse a change at or after the offer deadline (422 ``deadline_passed``)."""
    if now >= due:
        raise Problem(
            422,
            "deadline_passed",
            N_("The deadline for offers has passed; nothing was changed."),
            extra={"closed_at": due.isoformat()},
        )


async def load(submission_id: UUID) -> dict | None:
    """The stored offer of the entry (JSON loaded), or None before the first save."""
    return (
        await Offer.select().where(Offer.submission == submission_id).output(load_json=True).first()
    )


def empty_offer(submission_id: UUID) -> dict:
    """What an entry without a saved offer shows: the defaults, version 0."""
    data = msgspec.to_builtins(OfferIn())
    return {
        **{k: data[k] for k in CONTENT},
        "id": None,
        "submission": submission_id,
        "version": 0,
        "status": "draft",
        "total_cents": 0,
        "presentation_document": None,
        "sha256": "",
        "submitted_at": None,
        "submitted_by": None,
    }


def offer_in(row: dict) -> OfferIn:
    """A stored offer as the input struct the rules check."""
    return msgspec.convert(
        {**{k: row[k] for k in CONTENT}, "version": row["version"]}, OfferIn, strict=False
    )


def content_of(row: dict, presentation: dict | None = None) -> dict:
    """What a submit freezes: the offer's fields, its total and the presentation's checksum."""
    content = {k: row[k] for k in CONTENT}
    content["total_cents"] = row["total_cents"]
    content["presentation"] = (
        {"filename": presentation["filename"], "sha256": presentation["sha256"]}
        if presentation
        else None
    )
    return content


def sha256_of(content: dict) -> str:
    """SHA-256 over the canonical JSON of ``content`` (msgspec, keys sorted)."""
    return hashlib.sha256(msgspec.json.encode(content, order="sorted")).hexdigest()


def invalid(errors: list[FieldError]) -> Problem:
    """The 422 validation problem for these field errors."""
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )


def frozen() -> Problem:
    """409: a submitted offer does not change."""
    return Problem(409, "offer_submitted", N_("The offer was submitted and cannot be changed."))


def conflict(current: dict | None) -> Problem:
    """409 ``version_conflict`` naming the version stored now."""
    return Problem(
        409,
        "version_conflict",
        N_("Someone saved this offer in the meantime. Reload it and save again."),
        extra={"current": {"version": current["version"] if current else 0}},
    )


def _values(data: OfferIn) -> dict:
    values = msgspec.to_builtins(data)
    values = {k: values[k] for k in CONTENT}
    for key in ("scope", "goals", "indicators", "operation", "personal_data", "hosting"):
        values[key] = values[key].strip()
    values["total_cents"] = sum(cost.amount_cents for cost in data.costs)
    return values


async def save(actor, submission_id: UUID, data: OfferIn) -> tuple[dict, dict]:
    """The team creates (``version`` 0) or changes its draft on top of the version it read;
    returns (entry, offer). 409 ``version_conflict`` with the current version, 409 ``offer_submitted`` once frozen, 422
    after the deadline or when the challenge's rules refuse it. Audited."""
    entry = await writable(actor, submission_id)
    check_due(await due_at(entry), clock.now())
    errors = offer_errors(data, entry["challenge"])
    if errors:
        raise invalid(errors)
    values = _values(data)
    if data.version == 0:
        await _create(actor, entry, values)
        return entry, await load(submission_id)
    return entry, await _update(actor, submission_id, data.version, values)


async def _create(actor, entry: dict, values: dict) -> None:
    now = clock.now()
    try:
        async with db.write_transaction():
            offer = Offer(
                submission=entry["id"],
                challenge=entry["challenge"]["id"],
                version=1,
                created_at=now,
                **values,
            )
            await offer.save()
            await _audit(actor, entry["id"], 1)
    except Exception as error:
        if not db.is_unique_violation(error):
            raise
        current = await load(entry["id"])  # a parallel first save won
        raise (frozen() if current["status"] == "submitted" else conflict(current)) from None


async def _update(actor, submission_id: UUID, version: int, values: dict) -> dict:
    """The draft after the update on top of ``version`` (the stored row, without reading it
    again: what was written and the columns the update did not touch)."""
    async with db.write_transaction():
        saved = (
            await Offer.update(
                {**{getattr(Offer, k): v for k, v in values.items()}, Offer.version: version + 1}
            )
            .where(
                (Offer.submission == submission_id)
                & (Offer.version == version)
                & (Offer.status == "draft")
            )
            .returning(*UNTOUCHED)
        )
        if saved:
            await _audit(actor, submission_id, version + 1)
    if not saved:
        current = await load(submission_id)
        if current is not None and current["status"] == "submitted":
            raise frozen()
        raise conflict(current)
    return {**saved[0], **values, "submission": submission_id, "version": version + 1}


async def _audit(actor, submission_id: UUID, version: int) -> None:
    await record(
        "offer.saved",
        actor=actor,
        object_type="submission",
        object_id=submission_id,
        payload={"version": version},
    )
