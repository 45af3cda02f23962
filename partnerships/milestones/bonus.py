"""The open-source bonus milestone's rules: its evidence (the public repository as an https
URL, a release tag or commit, the SPDX licence) and when staff's verification lets it be
approved (the licence OSI-approved and the one the offer named)."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlsplit
from uuid import UUID

from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError, Problem
from partnerships.development.rules import licences
from partnerships.development.tables import Offer

BONUS_KIND = "open_source_bonus"
EVIDENCE_FIELDS = ("repository_url", "ref", "licence")
URL_MAX, REF_MAX, LICENCE_MAX = 500, 200, 100


def is_bonus(milestone: dict) -> bool:
    """Whether a milestone is the conditional open-source bonus."""
    return milestone.get("kind") == BONUS_KIND


def _https_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.hostname) and " " not in value


def evidence_fields(fields: dict) -> dict:
    """The bonus evidence's fields, checked: an https repository URL, a release tag or commit,
    an SPDX licence id from the shipped list — else 422 naming each field."""
    values = {name: (fields.get(name) or "").strip() for name in EVIDENCE_FIELDS}
    errors = []
    url = values["repository_url"]
    if not url or len(url) > URL_MAX or not _https_url(url):
        errors.append(
            FieldError("repository_url", N_("Enter the public repository's https address."))
        )
    if not values["ref"] or len(values["ref"]) > REF_MAX or any(c.isspace() for c in values["ref"]):
        errors.append(FieldError("ref", N_("Enter the release tag or commit.")))
    if values["licence"] not in licences():
        errors.append(FieldError("licence", N_("Enter the licence as its SPDX id, e.g. EUPL-1.2.")))
    if errors:
        raise Problem(
            422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
        )
    return values


def verification_of(milestone: dict) -> dict:
    """The stored verification (a dict, whatever the engine returned)."""
    value = milestone.get("verification") or {}
    if isinstance(value, str):
        value = json.loads(value or "{}")
    value = dict(value or {})
    if isinstance(value.get("at"), str):
        value["at"] = datetime.fromisoformat(value["at"])
    return value


async def offer_licence(submission_id: UUID) -> str:
    """The licence the entry's offer named for its open-source intent ('' without one)."""
    row = (
        await Offer.select(Offer.open_source)
        .where(Offer.submission == submission_id)
        .output(load_json=True)
        .first()
    )
    return ((row or {}).get("open_source") or {}).get("licence") or ""


def is_verified(milestone: dict) -> bool:
    """Verified for approval: the licence is OSI-approved and matches the offer's."""
    found = verification_of(milestone)
    return bool(found.get("osi_approved") and found.get("matches_offer"))


def require_verified(milestone: dict) -> None:
    """A bonus milestone is approved only after a verification that passed (422 otherwise)."""
    if is_bonus(milestone) and not is_verified(milestone):
        raise Problem(
            422,
            "bonus_not_verified",
            N_("Verify the bonus first: the licence must be OSI-approved and match the offer's."),
        )


def licence_names(milestones: list[dict]) -> dict[str, str]:
    """The SPDX licences a page of milestones names (offer, evidence, verification), by name."""
    known, ids = licences(), set()
    for m in milestones:
        ids.add(m.get("offer_licence"))
        ids.add((m.get("verification") or {}).get("licence"))
        ids.update(e.get("licence") for e in m.get("evidence") or [])
    return {i: known[i]["name"] for i in ids if i and i in known}
