"""Calls as scopes of staff's mail templates: a version of a mail for one call is stored under
the call's id (challenge.platform.mail.editing); staff name the call by its slug."""

from __future__ import annotations

from challenge.calls.services import get_call
from challenge.calls.tables import Call


async def scope_of(slug: str) -> tuple[str, dict | None]:
    """The scope for ``?call=<slug>`` ("" and None without one; 404 for an unknown call)."""
    if not slug:
        return "", None
    call = await get_call(slug, include_drafts=True)
    return str(call["id"]), call


async def call_choices() -> list[dict]:
    """Every call (drafts too) for the scope choice, latest opening first: id as text, slug,
    title."""
    rows = await Call.select(Call.id, Call.slug, Call.title).order_by(
        Call.opens_at, ascending=False
    )
    return [{**row, "id": str(row["id"])} for row in rows]
