"""Pure rules of the development phase: the checklist's framework conditions, the SPDX licence
list shipped with the portal, what makes an offer valid and when the open-source bonus applies."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from challenge.platform.i18n import N_
from challenge.platform.problems import FieldError

LICENCES_FILE = Path(__file__).parent / "data" / "spdx-licenses.json"
PHASE_WEEKS = 8  # the published conditions: a two-month development phase
DEFAULT_BONUS_CAP_CENTS = 1_000_000  # up to 10,000 € (gross) for open-source solutions
TEXT_MAX = 10_000

# The framework conditions the city and a team work through (key, title msgid, owner).
CHECKLIST = (
    ("data_access", N_("Data access granted"), "city"),
    ("data_protection", N_("Data-protection assessment"), "city"),
    ("infrastructure", N_("Infrastructure and test site"), "city"),
    ("operation", N_("Operation after the pilot"), "team"),
    ("procurement", N_("Procurement route"), "city"),
)
# the workspace's own words ("Open" and "City" already mean an open call and a town elsewhere)
CHECKLIST_STATUS_LABELS = {
    "open": N_("To do"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "not_needed": N_("Not needed"),
}
CHECKLIST_OWNER_LABELS = {"city": N_("City administration"), "team": N_("Team")}
OFFER_STATUS_LABELS = {"draft": N_("Draft"), "submitted": N_("Submitted")}
PARTNERSHIP_KIND_LABELS = {
    "partnership": N_("Partnership"),
    "stipend": N_("Stipend agreement"),
    "pilot": N_("Pilot contract"),
}
MILESTONE_KIND_LABELS = {"regular": N_("Milestone"), "open_source_bonus": N_("Open-source bonus")}
# The five published criteria of the pitch (Leipzig's conditions), each scored 0–10.
PITCH_CRITERIA = (
    ("maturity", N_("Maturity")),
    ("complexity", N_("Complexity")),
    ("feasibility", N_("Likelihood of implementation")),
    ("followup_costs", N_("Expected follow-up costs")),
    ("continuation", N_("Potential to be continued")),
)


@cache
def licences() -> dict[str, dict]:
    """The SPDX licence list shipped with the portal: id → {id, name, osi_approved, deprecated}."""
    data = json.loads(LICENCES_FILE.read_text(encoding="utf-8"))
    return {row["id"]: row for row in data["licenses"]}


def osi_licences() -> list[dict]:
    """The OSI-approved, current SPDX licences by name: what the offer form offers."""
    rows = [r for r in licences().values() if r["osi_approved"] and not r["deprecated"]]
    return sorted(rows, key=lambda r: r["name"].casefold())


def is_osi_approved(licence: str | None) -> bool:
    """Whether an SPDX id names a current OSI-approved licence (ids are case-sensitive)."""
    row = licences().get(licence or "")
    return bool(row and row["osi_approved"] and not row["deprecated"])


def default_phase(results_published: date) -> tuple[date, date]:
    """The phase's default dates: the next Monday after the results, for eight weeks."""
    start = results_published + timedelta(days=7 - results_published.weekday())
    return start, start + timedelta(weeks=PHASE_WEEKS) - timedelta(days=1)


def _milestone_errors(milestones: list, months: int) -> list[FieldError]:
    errors = []
    for index, milestone in enumerate(milestones):
        prefix = f"milestones.{index}"
        if not milestone.title.strip() or len(milestone.title) > 200:
            errors.append(
                FieldError(f"{prefix}.title", N_("Enter a title of at most 200 characters."))
            )
        if not 1 <= milestone.month <= max(months, 1):
            errors.append(
                FieldError(f"{prefix}.month", N_("A milestone falls within the pilot's months."))
            )
        if milestone.amount_cents <= 0:
            errors.append(
                FieldError(f"{prefix}.amount_cents", N_("A tranche must be more than zero."))
            )
    return errors


def _cost_errors(costs: list) -> list[FieldError]:
    errors = []
    for index, cost in enumerate(costs):
        if not cost.category.strip():
            errors.append(FieldError(f"costs.{index}.category", N_("Choose a category.")))
        if cost.amount_cents <= 0:
            errors.append(
                FieldError(f"costs.{index}.amount_cents", N_("An amount must be more than zero."))
            )
    return errors


def offer_errors(offer, challenge: dict, *, submitting: bool = False) -> list[FieldError]:
    """Errors of an offer (an OfferIn) against its challenge: the duration at most the
    challenge's pilot months, the cost lines' sum at most its pilot budget, an OSI-approved
    licence for open-source intent; ``submitting`` adds what a complete offer needs."""
    errors = []
    if not 1 <= offer.months <= challenge["pilot_months"]:
        errors.append(FieldError("months", N_("The pilot lasts at most the challenge's months.")))
    total = sum(cost.amount_cents for cost in offer.costs)
    if total > challenge["pilot_budget_cents"]:
        errors.append(FieldError("costs", N_("The costs exceed the challenge's pilot budget.")))
    if offer.followup_cents_per_year < 0:
        errors.append(FieldError("followup_cents_per_year", N_("Enter an amount of zero or more.")))
    errors += _milestone_errors(offer.milestones, offer.months)
    errors += _cost_errors(offer.costs)
    for name in ("scope", "goals", "indicators", "operation", "personal_data", "hosting"):
        if len(getattr(offer, name)) > TEXT_MAX:
            errors.append(FieldError(name, N_("Too long (at most 10,000 characters).")))
    source = offer.open_source
    if source.intent and source.licence and not is_osi_approved(source.licence):
        errors.append(
            FieldError("open_source.licence", N_("Choose an OSI-approved licence from the list."))
        )
    if submitting:
        errors += _complete_errors(offer, total)
    return errors


def _complete_errors(offer, total: int) -> list[FieldError]:
    errors = []
    if not offer.scope.strip():
        errors.append(FieldError("scope", N_("Describe the pilot's scope.")))
    if not offer.costs:
        errors.append(FieldError("costs", N_("Add at least one cost line.")))
    if not offer.milestones:
        errors.append(FieldError("milestones", N_("Add at least one milestone.")))
    elif sum(m.amount_cents for m in offer.milestones) != total:
        errors.append(
            FieldError("milestones", N_("The milestones' amounts must add up to the costs."))
        )
    if offer.open_source.intent and not offer.open_source.licence:
        errors.append(FieldError("open_source.licence", N_("Choose a licence.")))
    return errors


def bonus_applies(open_source: dict) -> bool:
    """Whether an offer's open-source intent earns the conditional bonus milestone: intent and a
    current OSI-approved licence (a non-OSI licence cannot claim the bonus)."""
    return bool(open_source.get("intent")) and is_osi_approved(open_source.get("licence"))
