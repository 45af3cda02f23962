"""Staff work on calls: create, change and publish, with every rule checked in one place."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import msgspec

from challenge import db
from challenge.calls.entries import has_entries
from challenge.calls.schemas import CallIn, CallPatch, Criterion, DocumentRules, FaqItem, Question
from challenge.calls.tables import Call
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.documents.sniff import EXTENSIONS
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem, not_found

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,78}[a-z0-9])$")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FILES = 20


def _aware(value: datetime | None) -> bool:
    return value is None or (value.tzinfo is not None and value.utcoffset() is not None)


_DATES = ("opens_at", "closes_at", "jury_starts_at", "jury_ends_at", "results_at")


def validate(data: dict[str, Any], *, max_upload_bytes: int) -> list[FieldError]:
    """Every problem with a call's fields (empty when the call is consistent)."""
    errors = _validate_texts(data)
    naive = [
        FieldError(name, N_("Give the time with its time zone."))
        for name in _DATES
        if not _aware(data.get(name))
    ]
    if naive:
        return errors + naive  # the order of the dates cannot be checked without time zones
    errors.extend(_validate_dates(data))
    errors.extend(_validate_money(data))
    errors.extend(_validate_categories(data["categories"]))
    errors.extend(validate_questions(data["questions"]))
    errors.extend(_validate_criteria(data["criteria"]))
    errors.extend(_validate_document_rules(data["document_rules"], max_upload_bytes))
    return errors


def _validate_texts(data: dict[str, Any]) -> list[FieldError]:
    errors = []
    if not SLUG.match(data["slug"]):
        errors.append(FieldError("slug", N_("Use 3 to 80 lowercase letters, digits and hyphens.")))
    if not 3 <= len(data["title"].strip()) <= 200:
        errors.append(FieldError("title", N_("Enter a title of 3 to 200 characters.")))
    if len(data["summary"]) > 500:
        errors.append(FieldError("summary", N_("Use at most 500 characters.")))
    return errors


def _validate_dates(data: dict[str, Any]) -> list[FieldError]:
    """The deadline follows the opening; each later date (when given) follows the one above."""
    errors = []
    if data["closes_at"] <= data["opens_at"]:
        errors.append(FieldError("closes_at", N_("The deadline must be after the opening.")))
    previous = data["closes_at"]
    for name in _DATES[2:]:
        if data.get(name) is None:
            continue
        if data[name] < previous:
            errors.append(FieldError(name, N_("This date must not be before the one above it.")))
        previous = data[name]
    return errors


def _validate_money(data: dict[str, Any]) -> list[FieldError]:
    errors = []
    if data["budget_cents"] < 0:
        errors.append(FieldError("budget_cents", N_("The budget cannot be negative.")))
    max_award = data.get("max_award_cents")
    if max_award is not None and not 0 < max_award <= data["budget_cents"]:
        errors.append(
            FieldError(
                "max_award_cents", N_("The maximum award must be positive and within the budget.")
            )
        )
    if data.get("awards_planned") is not None and data["awards_planned"] < 1:
        errors.append(FieldError("awards_planned", N_("Plan at least one award.")))
    return errors


def _validate_categories(raw: list[str]) -> list[FieldError]:
    errors = []
    categories = [c.strip() for c in raw]
    if (
        any(not c for c in categories)
        or len(set(categories)) != len(categories)
        or len(categories) > 20
    ):
        errors.append(
            FieldError("categories", N_("Categories must be unique and not empty (at most 20)."))
        )
    if any(len(c) > 100 for c in categories):  # a proposal stores its category in 100 characters
        errors.append(FieldError("categories", N_("A category may have at most 100 characters.")))
    return errors


def _validate_document_rules(rules: DocumentRules, max_upload_bytes: int) -> list[FieldError]:
    errors = []
    if not 0 <= rules.max_files <= MAX_FILES:
        errors.append(FieldError("document_rules.max_files", N_("Allow between 0 and 20 files.")))
    if not 0 < rules.max_bytes <= max_upload_bytes:
        errors.append(
            FieldError(
                "document_rules.max_bytes",
                N_("The file size limit is outside what the portal accepts."),
            )
        )
    if not rules.allowed_types or any(t not in EXTENSIONS for t in rules.allowed_types):
        errors.append(
            FieldError(
                "document_rules.allowed_types", N_("Choose file types from PDF, PNG and JPEG.")
            )
        )
    return errors


def validate_questions(questions: list[Question]) -> list[FieldError]:
    """What is wrong with a list of custom questions (a call's, or a challenge's own)."""
    errors, keys = [], set()
    for index, question in enumerate(questions):
        field = f"questions[{index}]"
        if not KEY.match(question.key) or question.key in keys:
            errors.append(
                FieldError(
                    field + ".key",
                    N_("Question keys must be unique: lowercase letters, digits, underscores."),
                )
            )
        keys.add(question.key)
        if not question.label.strip():
            errors.append(FieldError(field + ".label", N_("Every question needs a label.")))
        if question.type == "choice" and len(set(question.choices or [])) < 2:
            errors.append(
                FieldError(
                    field + ".choices",
                    N_("A choice question needs at least two different choices."),
                )
            )
        if question.max_length is not None and question.max_length < 1:
            errors.append(
                FieldError(field + ".max_length", N_("The length limit must be positive."))
            )
    return errors


def _validate_criteria(criteria: list[Criterion]) -> list[FieldError]:
    errors, keys = [], set()
    if not criteria:
        errors.append(FieldError("criteria", N_("The rubric needs at least one criterion.")))
    for index, criterion in enumerate(criteria):
        field = f"criteria[{index}]"
        if not KEY.match(criterion.key) or criterion.key in keys:
            errors.append(
                FieldError(
                    field + ".key",
                    N_("Criterion keys must be unique: lowercase letters, digits, underscores."),
                )
            )
        keys.add(criterion.key)
        if not criterion.name.strip():
            errors.append(FieldError(field + ".name", N_("Every criterion needs a name.")))
        if not criterion.weight > 0:
            errors.append(FieldError(field + ".weight", N_("Weights must be greater than zero.")))
        if not criterion.scale_min < criterion.scale_max:
            errors.append(
                FieldError(
                    field + ".scale_max", N_("The top of the scale must be above its bottom.")
                )
            )
    return errors


_STRUCTURED = ("questions", "criteria", "document_rules", "faq")


def _row_values(data: dict[str, Any]) -> dict:
    """Column values: the structured fields as plain JSON, the rest as they are."""
    return {
        key: msgspec.to_builtins(value) if key in _STRUCTURED else value
        for key, value in data.items()
    }


def _invalid(errors: list[FieldError]) -> Problem:
    return Problem(
        422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
    )


async def create_call(actor, data: CallIn, *, max_upload_bytes: int) -> dict:
    """A new call in draft."""
    values = msgspec.structs.asdict(data)
    values["categories"] = [c.strip() for c in values["categories"]]  # stored as validated
    errors = validate(values, max_upload_bytes=max_upload_bytes)
    if errors:
        raise _invalid(errors)
    async with db.write_transaction():
        if await Call.exists().where(Call.slug == data.slug):
            raise _invalid([FieldError("slug", N_("Another call already uses this address."))])
        call = Call(**_row_values(values), status="draft")
        await call.save()
        await record(
            "call.created",
            actor=actor,
            object_type="call",
            object_id=call.id,
            payload={"slug": data.slug},
        )
    return await Call.select().output(load_json=True).where(Call.id == call.id).first()


async def _current(slug: str) -> dict:
    row = await Call.select().output(load_json=True).where(Call.slug == slug).first()
    if row is None:
        raise not_found(N_("Call not found"))
    return row


async def update_call(actor, slug: str, patch: CallPatch, *, max_upload_bytes: int) -> dict:
    """Change a call; the whole result is validated as if it were new."""
    current = await _current(slug)
    changes = {k: v for k, v in msgspec.structs.asdict(patch).items() if v is not msgspec.UNSET}
    merged = {field: current[field] for field in CallIn.__struct_fields__}
    merged["questions"] = msgspec.convert(merged["questions"] or [], list[Question])
    merged["criteria"] = msgspec.convert(merged["criteria"] or [], list[Criterion])
    merged["document_rules"] = msgspec.convert(merged["document_rules"] or {}, DocumentRules)
    merged["faq"] = msgspec.convert(merged["faq"] or [], list[FaqItem])
    merged.update(changes)
    merged["categories"] = [c.strip() for c in merged["categories"] or []]  # stored as validated
    errors = validate(merged, max_upload_bytes=max_upload_bytes)
    if errors:
        raise _invalid(errors)
    await _check_locked(current, merged)
    async with db.write_transaction():
        if (
            "slug" in changes
            and changes["slug"] != slug
            and await Call.exists().where(Call.slug == changes["slug"])
        ):
            raise _invalid([FieldError("slug", N_("Another call already uses this address."))])
        await Call.update(_row_values(merged)).where(Call.id == current["id"])
        await record(
            "call.updated",
            actor=actor,
            object_type="call",
            object_id=current["id"],
            payload={"fields": sorted(changes)},
        )
    return await Call.select().output(load_json=True).where(Call.id == current["id"]).first()


def _normalised(items, kind) -> list[dict]:
    """Stored or sent questions (criteria) as one shape, defaults written out, so a stored
    ``"required": false`` and a sent list that leaves the default out compare equal."""
    return msgspec.to_builtins(msgspec.convert(items or [], list[kind]))


async def _check_locked(current: dict, merged: dict) -> None:
    """Once proposals exist, the rubric stays and questions may only grow by optional ones."""
    if not await has_entries(current["id"]):
        return
    if _normalised(merged["criteria"], Criterion) != _normalised(current["criteria"], Criterion):
        raise Problem(
            422,
            "rubric_locked",
            N_("Proposals exist already: the criteria can no longer change."),
            errors=[
                FieldError(
                    "criteria", N_("Proposals exist already: the criteria can no longer change.")
                )
            ],
        )
    old = _normalised(current["questions"], Question)
    new = _normalised(merged["questions"], Question)
    if new[: len(old)] != old or any(q.get("required") for q in new[len(old) :]):
        message = N_(
            "Proposals exist already: questions can only be added, and only as optional ones."
        )
        raise Problem(422, "questions_locked", message, errors=[FieldError("questions", message)])


async def publish_call(actor, slug: str) -> dict:
    """Make a draft call public (its opening time still decides when proposals are taken)."""
    current = await _current(slug)
    if current["status"] != "draft":
        raise Problem(409, "already_published", N_("This call is already published."))
    async with db.write_transaction():
        await Call.update({Call.status: "published", Call.published_at: clock.now()}).where(
            (Call.id == current["id"]) & (Call.status == "draft")
        )
        await record("call.published", actor=actor, object_type="call", object_id=current["id"])
    return await Call.select().output(load_json=True).where(Call.id == current["id"]).first()
