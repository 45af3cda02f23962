"""Who an announcement reaches: the groups of a call, each as one SQL query of user ids.

Groups: every applicant (a proposal that is not withdrawn), teams with a submitted proposal,
teams of one challenge (``challenge:KEY``, submitted), teams in the development phase, the
call's jurors (``jurors:KEY``: those who judge that challenge or the whole call), the members of
the units whose challenges the call holds, and groups later stages add through
``Domain.announcement_audiences`` (e.g. partnerships: ``partners``).
"""

from __future__ import annotations

import json
import re
from uuid import UUID

from challenge import db
from challenge.calls.tables import Call
from challenge.platform.domains import each
from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem

_TEAM = (
    'SELECT DISTINCT m."user" AS id FROM submissions s'
    " JOIN memberships m ON m.organisation = s.organisation"
)
CORE = {
    "applicants": _TEAM + " WHERE s.\"call\" = {call} AND s.status <> 'withdrawn'",
    "submitted": _TEAM + " WHERE s.\"call\" = {call} AND s.status = 'submitted'",
    "development": _TEAM + " JOIN decisions d ON d.submission = s.id"
    " WHERE s.\"call\" = {call} AND d.outcome = 'development' AND s.status <> 'withdrawn'",
    "units": 'SELECT DISTINCT um."user" AS id FROM unit_members um'
    " JOIN challenges c ON c.unit = um.unit WHERE c.\"call\" = {call} AND c.status = 'approved'",
}
_CHALLENGE_TEAMS = (
    _TEAM + " JOIN challenges c ON c.id = s.challenge"
    " WHERE s.\"call\" = {call} AND s.status = 'submitted' AND c.key = {key}"
)
_JURORS = 'SELECT j."user" AS id, j.challenges AS challenges FROM jurors j WHERE j."call" = {call}'
_NAMES = re.compile(r"\{(call|key)\}")
_CHALLENGE_ID = 'SELECT id FROM challenges WHERE "call" = {call} AND key = {key}'
# the words for each group (staff choose them; the list shows them)
LABELS = {
    "applicants": N_("Every applicant of the call"),
    "submitted": N_("Teams with a submitted proposal"),
    "challenge": N_("Teams of one challenge"),
    "development": N_("Teams in the development phase"),
    "jurors": N_("Jurors of the call"),
    "jurors_of_challenge": N_("Jurors of one challenge"),
    "units": N_("Members of the challenge owners (city units)"),
    "partners": N_("Partners with a contract"),
}


def invalid(detail: str = N_("Choose who the announcement is for.")) -> Problem:
    """422 audience_invalid."""
    return Problem(422, "audience_invalid", detail, errors=[FieldError("audience", detail)])


def extra_audiences() -> dict[str, str]:
    """Groups later stages add: {name: SQL of user ids with ``{call}``}."""
    found: dict[str, str] = {}
    for _domain, audiences in each("announcement_audiences"):
        found.update(audiences)
    return found


def parse(audience: str) -> tuple[str, str]:
    """``"challenge:KEY"`` -> ("challenge", "KEY"); a plain group -> (group, "")."""
    kind, _, key = (audience or "").strip().partition(":")
    if kind in ("challenge", "jurors") and key:
        return kind, key
    if not key and (kind in CORE or kind == "jurors" or kind in extra_audiences()):
        return kind, ""
    raise invalid()


def label(audience: str) -> tuple[str, str]:
    """(label msgid, challenge key) of a stored audience, for pages."""
    kind, key = audience.partition(":")[::2]
    if kind == "jurors" and key:
        return LABELS["jurors_of_challenge"], key
    return LABELS.get(kind, kind), key


def _bound(sql: str, call_id: UUID, key: str = "") -> tuple[str, list]:
    """The SQL with Piccolo's ``{}`` for each ``{call}`` and ``{key}``, and their values in order."""
    parts = _NAMES.split(sql)
    text = "".join(part if i % 2 == 0 else "{}" for i, part in enumerate(parts))
    return text, [call_id if name == "call" else key for name in parts[1::2]]


async def _sql_ids(sql: str, call_id: UUID, key: str = "") -> set[UUID]:
    text, args = _bound(sql, call_id, key)
    return {db.as_uuid(row["id"]) for row in await Call.raw(text, *args)}


async def _challenge(call_id: UUID, key: str) -> list[dict]:
    text, args = _bound(_CHALLENGE_ID, call_id, key)
    return await Call.raw(text, *args)


async def _jurors(call_id: UUID, key: str) -> set[UUID]:
    text, args = _bound(_JURORS, call_id)
    rows = await Call.raw(text, *args)
    if not key:
        return {db.as_uuid(row["id"]) for row in rows}
    found = await _challenge(call_id, key)
    if not found:
        raise invalid(N_("The call has no challenge with this key."))
    challenge = str(found[0]["id"])
    chosen = set()
    for row in rows:
        challenges = row["challenges"]
        if isinstance(challenges, str):
            challenges = json.loads(challenges or "[]")
        if not challenges or challenge in {str(c) for c in challenges}:
            chosen.add(db.as_uuid(row["id"]))
    return chosen


async def user_ids(call_id: UUID, audience: str) -> set[UUID]:
    """The ids of everyone in the group (active or not: the caller keeps active accounts)."""
    kind, key = parse(audience)
    if kind == "jurors":
        return await _jurors(call_id, key)
    if kind == "challenge":
        if not await _challenge(call_id, key):
            raise invalid(N_("The call has no challenge with this key."))
        return await _sql_ids(_CHALLENGE_TEAMS, call_id, key)
    sql = CORE.get(kind) or extra_audiences()[kind]
    return await _sql_ids(sql, call_id)
