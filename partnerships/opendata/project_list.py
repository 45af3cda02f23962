"""The public list of funded projects, a page at a time: filtered by challenge owner, counted
and paged in SQL; only the page's projects are read in full (:func:`projects.projects` on the
facts of those partnerships)."""

from __future__ import annotations

from uuid import UUID

from challenge.platform.pagination import page_within
from partnerships.opendata.facts import PUBLIC_STATES, load_facts
from partnerships.opendata.projects import projects
from partnerships.tables import Partnership

PER_PAGE = 20


def _public():
    """Public projects: signed partnerships (and what became of them)."""
    return Partnership.status.is_in(list(PUBLIC_STATES)) & Partnership.signed_at.is_not_null()


def _unit(owner: str) -> UUID | None:
    try:
        return UUID(owner)
    except ValueError:
        return None


async def projects_page(owner: str = "", page: int = 1, per_page: int = PER_PAGE) -> dict:
    """One page of the public projects, newest contract first, optionally only those whose
    challenge the unit ``owner`` (its id) posed; a page past the end shows the last one, an
    owner that is no unit's id finds nothing."""
    where = _public()
    if owner:
        unit = _unit(owner)
        if unit is None:
            return {"projects": [], "page": 1, "pages": 1, "total": 0}
        where &= Partnership.submission.challenge.unit == unit
    total = await Partnership.count().where(where)
    page, pages = page_within(page, total, per_page)
    ids = [
        row["id"]
        for row in await Partnership.select(Partnership.id)
        .where(where)
        .order_by(Partnership.number, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ]
    place = {project_id: n for n, project_id in enumerate(ids)}
    rows = await projects(await load_facts(only=ids)) if ids else []
    rows.sort(key=lambda row: place[row["id"]])
    return {"projects": rows, "page": page, "pages": pages, "total": total}


async def owners() -> list[dict]:
    """The challenge owners (units) that have public projects, by name: ``{id, name}``."""
    unit = Partnership.submission.challenge.unit
    rows = (
        await Partnership.select(unit.id.as_alias("id"), unit.name.as_alias("name"))
        .where(_public() & unit.is_not_null())
        .distinct()
    )
    return sorted(({"id": str(r["id"]), "name": r["name"]} for r in rows), key=lambda r: r["name"])
