"""Who an announcement reaches: the groups of a call, each as one SQL query of user ids.

Groups: every applicant (a proposal that is not withdrawn), teams with a submitted proposal,
teams of one challenge (``challenge:KEY``, submitted), teams in the development phase, the
call's jurors (``jurors:KEY``: those who judge that challenge or the whole call), the members of
the units whose challenges the call holds, and groups later stages add through
``Domain.announcement_audiences`` (e.g. partnerships: ``partners``).
"""

from __future__ import annotations

import json
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


async def _sql_ids(sql: str, call_id: UUID, key: str = "") -> set[UUID]:
    text = sql.replace("{call}", "{}").replace("{key}", "{}")
    rows = await Call.raw(text, *_ordered_args(sql, call_id, key))
    return {db.as_uuid(row["id"]) for row in rows}


def _ordered_args(sql: str, call_id: UUID, key: str) -> list:
    positions = sorted(
        [(i, call_id) for i in _find_all(sql, "{call}")]
        + [(i, key) for i in _find_all(sql, "{key}")],
        key=lambda item: item[0],
    )
    return [value for _, value in positions]


def _find_all(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start != -1:
        found.append(start)
        start = text.find(needle, start + 1)
    return found


async def _challenge(call_id: UUID, key: str) -> list[dict]:
    return await Call.raw(
        _CHALLENGE_ID.replace("{call}", "{}").replace("{key}", "{}"), call_id, key
    )


async def _jurors(call_id: UUID, key: str) -> set[UUID]:
    rows = await Call.raw(_JURORS.replace("{call}", "{}"), call_id)
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
