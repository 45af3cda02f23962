"""A binding conflict rule for jurors from a city unit: a unit member never scores a proposal from
an organisation the unit already contracts with.

Which unit a partnership belongs to: a partnership made from a proposal to a challenge belongs to
the challenge's unit (Partnership.submission → Submission.challenge → Challenge.unit, a foreign
key all the way, so reliable); an older partnership (a call without challenges) only names its
city unit as free text (``city_unit``), which counts when it is exactly the unit's name (case and
surrounding spaces aside) — never a partial match. Contracts count from when they are sent until
they are completed; drafts and terminated contracts do not."""

from __future__ import annotations

from challenge.challenges.tables import UnitMember
from challenge.platform.i18n import N_
from partnerships.tables import Partnership

REASON = N_("Your city unit has a contract with this team.")
CONTRACTING = ("sent", "signed", "active", "completed")


async def unit_partnership(user_row: dict, rows: list[dict]) -> dict:
    """Entry id -> reason for the entries whose team has a contract with a unit of the juror."""
    organisations = {row["organisation"] for row in rows}
    if not organisations:
        return {}
    units = await UnitMember.select(UnitMember.unit, UnitMember.unit.name.as_alias("name")).where(
        UnitMember.user == user_row["id"]
    )
    if not units:
        return {}
    unit_ids = {u["unit"] for u in units}
    names = {u["name"].strip().lower() for u in units}
    contracts = await Partnership.select(
        Partnership.organisation,
        Partnership.city_unit,
        Partnership.submission.challenge.unit.as_alias("unit"),
    ).where(
        Partnership.organisation.is_in(list(organisations))
        & Partnership.status.is_in(list(CONTRACTING))
    )
    partnered = {
        c["organisation"]
        for c in contracts
        if c["unit"] in unit_ids or (c["city_unit"] or "").strip().lower() in names
    }
    return {row["id"]: REASON for row in rows if row["organisation"] in partnered}


unit_partnership.binding = True  # a rule: the juror cannot take the mark back (staff may lift it)
