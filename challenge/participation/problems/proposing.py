"""Proposing a problem from the page's form (multipart: the fields, then an optional photo or
PDF): every field is checked before anything is stored, the daily limits are counted, the file
goes through the document pipeline (and must be one the public's copy without metadata can be
made of), and a file whose problem is refused is removed again. A
person without a display name chooses one in the same form."""

from __future__ import annotations

import uuid

from challenge.participation import profiles
from challenge.participation.problems import files, service
from challenge.platform.problems import Problem

FIELDS = ("title", "description", "district", "topic", "display_name")


def values_of(fields: dict) -> dict[str, str]:
    """The form's text fields as typed (shown again when something is refused)."""
    return {name: str(fields.get(name, "")) for name in FIELDS}


async def _checked(actor, fields: dict) -> tuple[dict, str | None]:
    """(the cleaned proposal, the display name to set or None); 422 naming every field to fix."""
    errors = []
    values: dict = {}
    try:
        values = service.cleaned(
            fields.get("title", ""),
            fields.get("description", ""),
            fields.get("district", ""),
            fields.get("topic", ""),
        )
    except Problem as problem:
        errors += problem.errors
    name = None
    if await profiles.display_name(actor.id) is None:
        try:
            name = profiles.clean_display_name(fields.get("display_name", ""))
        except Problem as problem:
            errors += problem.errors
    if errors:
        raise service.invalid(errors)
    return values, name


async def from_form(actor, ip: str, storage, multipart) -> dict:
    """The pending problem the form proposes (401 anonymous, 422 fields, 429 limits, the
    document checks' refusals for the file)."""
    service.require_participant(actor)
    has_file = await multipart.optional_file()
    values, name = await _checked(actor, multipart.fields)
    await service.count_attempt(actor, ip)
    problem_id = uuid.uuid4()
    document = await files.store(actor, storage, multipart, problem_id) if has_file else None
    try:
        if document is not None:
            await files.check_redactable(storage, document)
        return await service.propose(
            actor,
            values,
            problem_id=problem_id,
            document_id=document["id"] if document else None,
            display_name=name,
        )
    except BaseException:
        await files.discard(storage, document, actor)
        raise
