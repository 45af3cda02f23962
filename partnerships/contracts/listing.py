"""The staff's list of partnerships, flat in the data: filtered (status, kind, call, a search in
title, partner and reference), counted, summed and paged in SQL — one query for the count and the
contract totals, one for what was paid, one for the page and one for the page's milestones."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from functools import reduce
from urllib.parse import urlencode
from uuid import UUID

from piccolo.query.functions.aggregate import Count, Sum

from challenge import db
from challenge.platform.pagination import page_within
from challenge.platform.references import PREFIX
from partnerships.contracts.rules import TRANSITIONS, overdue, partnership_reference
from partnerships.development.rules import PARTNERSHIP_KIND_LABELS
from partnerships.tables import Milestone, Partnership

PER_PAGE = 50
STATUSES = tuple(TRANSITIONS)
KINDS = tuple(PARTNERSHIP_KIND_LABELS)
DUE = ("planned", "changes_requested", "submitted")
REFERENCE = re.compile(rf"^(?:{PREFIX}-)?(\d{{4}})-(\d{{1,10}})$", re.IGNORECASE)
LARGEST = 2**31 - 1  # the number column's range: a larger number is no partnership's


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; unknown statuses and kinds narrow nothing."""

    status: str = ""
    kind: str = ""
    call: str = ""  # the call's slug
    q: str = ""

    def cleaned(self) -> Filters:
        """The filters as applied: known codes only, the search trimmed."""
        return Filters(
            status=self.status if self.status in STATUSES else "",
            kind=self.kind if self.kind in KINDS else "",
            call=self.call.strip(),
            q=self.q.strip(),
        )

    def query(self) -> str:
        """The filters as a query string for page links (without the page)."""
        return urlencode({k: v for k, v in asdict(self).items() if v})


def _search(table, q: str):
    """Title or partner contains the text; or, for ``SCC-2027-12`` / ``2027-12``, the reference."""
    found = db.contains_text(table.title, q) | db.contains_text(table.organisation.name, q)
    match = REFERENCE.match(q)
    if match and int(match[2]) <= LARGEST:
        found |= (table.year == int(match[1])) & (table.number == int(match[2]))
    return found


def conditions(filters: Filters, table=Partnership) -> list:
    """The filters as conditions on ``table``: the Partnership table, or a foreign key to it
    (``Milestone.partnership``) to filter the rows of a table that points to partnerships."""
    found = []
    if filters.status:
        found.append(table.status == filters.status)
    if filters.kind:
        found.append(table.kind == filters.kind)
    if filters.call:
        found.append(table.call.slug == filters.call)
    if filters.q:
        found.append(_search(table, filters.q))
    return found


def _narrowed(query, found: list):
    return query.where(reduce(lambda a, b: a & b, found)) if found else query


async def totals(filters: Filters) -> dict:
    """How many partnerships match, their contract totals and what was paid on them."""
    found = conditions(filters)
    head = (
        await _narrowed(
            Partnership.select(Count(), Sum(Partnership.total_cents, alias="total_cents")), found
        )
    )[0]
    paid = (
        await _narrowed(
            Milestone.select(Sum(Milestone.paid_cents, alias="paid_cents")),
            conditions(filters, Milestone.partnership),
        )
    )[0]
    return {
        "count": int(head["count"] or 0),
        "total_cents": int(head["total_cents"] or 0),
        "paid_cents": int(paid["paid_cents"] or 0),
    }


def list_row(p: dict, mine: list[dict]) -> dict:
    """One line of a list: the partnership with what was paid and what is due."""
    waiting = [m["due_date"] for m in mine if m["status"] in DUE]
    return {
        "id": p["id"],
        "title": p["title"],
        "kind": p.get("kind") or "partnership",
        "organisation": p.get("organisation_name") or "",
        "status": p["status"],
        "total_cents": p["total_cents"],
        "paid_cents": sum(m["paid_cents"] for m in mine),
        "next_due": min(waiting) if waiting else None,
        "overdue": sum(1 for m in mine if p["status"] == "active" and overdue(m)),
        "submitted": sum(1 for m in mine if m["status"] == "submitted"),
        "reference": partnership_reference(p),
    }


async def with_milestones(partnerships: list[dict]) -> list[dict]:
    """List rows for these partnerships: their milestones read in one query."""
    if not partnerships:
        return []
    by_partnership: dict[UUID, list[dict]] = defaultdict(list)
    for milestone in await Milestone.select(
        Milestone.partnership, Milestone.status, Milestone.due_date, Milestone.paid_cents
    ).where(Milestone.partnership.is_in([p["id"] for p in partnerships])):
        by_partnership[milestone["partnership"]].append(milestone)
    return [list_row(p, by_partnership[p["id"]]) for p in partnerships]


COLUMNS = (
    Partnership.id,
    Partnership.title,
    Partnership.kind,
    Partnership.status,
    Partnership.total_cents,
    Partnership.organisation.name.as_alias("organisation_name"),
    Partnership.call,
    Partnership.year,
    Partnership.number,
)


async def page_of(filters: Filters, page: int, per_page: int = PER_PAGE) -> dict:
    """One page of the matching partnerships, newest first, with the totals of all of them; a
    page past the end shows the last one."""
    filters = filters.cleaned()
    summed = await totals(filters)
    page, pages = page_within(page, summed["count"], per_page)
    rows = await (
        _narrowed(Partnership.select(*COLUMNS), conditions(filters))
        .order_by(Partnership.created_at, Partnership.number, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return {
        "rows": await with_milestones(rows),
        "page": page,
        "pages": pages,
        "totals": summed,
        "filters": filters,
    }


async def calls_with_partnerships() -> list[dict]:
    """The calls that have partnerships, for the filter: ``{slug, title}`` by title."""
    rows = await Partnership.select(
        Partnership.call.slug.as_alias("slug"), Partnership.call.title.as_alias("title")
    ).distinct()
    return sorted(rows, key=lambda r: (r["title"], r["slug"]))
