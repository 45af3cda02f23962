"""A conflict suggestion for jurors: an earlier partnership between the juror's organisation and
the applicant. On the city's side a partnership's organisation is its city unit, so a juror whose
stated affiliation names the unit that ran a partnership with the team is pre-marked."""

from __future__ import annotations

from challenge.platform.i18n import N_
from partnerships.tables import Partnership

REASON = N_("Your organisation had a development partnership with this team.")


async def earlier_partnership(user_row: dict, rows: list[dict]) -> dict:
    """Entry id -> reason for the entries whose team had a partnership with the juror's unit."""
    affiliation = (user_row.get("affiliation") or "").strip().lower()
    organisations = {row["organisation"] for row in rows}
    if len(affiliation) < 3 or not organisations:
        return {}
    partnered = {
        p["organisation"]
        for p in await Partnership.select(Partnership.organisation, Partnership.city_unit).where(
            Partnership.organisation.is_in(list(organisations)) & (Partnership.status != "draft")
        )
        if p["city_unit"]
        and (
            p["city_unit"].strip().lower() in affiliation
            or affiliation in p["city_unit"].strip().lower()
        )
    }
    return {row["id"]: REASON for row in rows if row["organisation"] in partnered}
