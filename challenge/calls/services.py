"""Calls: queries and the rules about which call is visible and open."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import msgspec
import nh3
from icalendar import Calendar, Event

from challenge import db
from challenge.calls.entries import challenges_of
from challenge.calls.schemas import CallOut, Criterion, DocumentRules, FaqItem, Question
from challenge.calls.tables import Call
from challenge.platform import clock, theme
from challenge.platform.documents.tables import Document
from challenge.platform.i18n import N_
from challenge.platform.markdown import render_markdown
from challenge.platform.pdf.issue import issue_pdf
from challenge.platform.problems import not_found


def phase_of(call: dict[str, Any], now: datetime) -> str:
    """draft, upcoming, open or closed — "open" is derived from the timeline, to the second."""
    if call["status"] == "draft":
        return "draft"
    if now < call["opens_at"]:
        return "upcoming"
    if now < call["closes_at"]:
        return "open"
    return "closed"


def call_phase(call: dict[str, Any], now: datetime) -> str:
    """The call's phase as people follow it (the "call_phase" badge): draft, upcoming, open,
    then after the deadline closed, jury (in the jury window), jury_done and
    results_published — so a finished call never reads as still open or still being scored."""
    phase = phase_of(call, now)
    if phase != "closed":
        return phase
    if call.get("results_published_at") or call.get("status") == "results_published":
        return "results_published"
    starts, ends = call.get("jury_starts_at"), call.get("jury_ends_at")
    if ends is not None and now >= ends:
        return "jury_done"
    if starts is not None and now >= starts:
        return "jury"
    return "closed"


def to_out(call: dict[str, Any], now: datetime) -> CallOut:
    """The call as the API shows it, with its phase at ``now``."""
    return CallOut(
        id=call["id"],
        slug=call["slug"],
        title=call["title"],
        summary=call["summary"],
        description=call["description"],
        status=call["status"],
        phase=phase_of(call, now),
        categories=list(call["categories"] or []),
        questions=msgspec.convert(call["questions"] or [], list[Question]),
        criteria=msgspec.convert(call["criteria"] or [], list[Criterion]),
        document_rules=msgspec.convert(call["document_rules"] or {}, DocumentRules),
        opens_at=call["opens_at"],
        closes_at=call["closes_at"],
        budget_cents=call["budget_cents"],
        max_award_cents=call["max_award_cents"],
        awards_planned=call["awards_planned"],
        blind_review=call["blind_review"],
        eligibility=call.get("eligibility") or "",
        faq=msgspec.convert(call.get("faq") or [], list[FaqItem]),
        jury_starts_at=call.get("jury_starts_at"),
        jury_ends_at=call.get("jury_ends_at"),
        results_at=call.get("results_at"),
    )


async def list_calls(
    *, include_drafts: bool, page: int = 1, per_page: int = 20
) -> tuple[list[dict[str, Any]], int]:
    """Calls newest deadline first; drafts only for staff."""
    query = Call.select().output(load_json=True).order_by(Call.closes_at, ascending=False)
    count = Call.count()
    if not include_drafts:
        query = query.where(Call.status != "draft")
        count = count.where(Call.status != "draft")
    rows = await query.limit(per_page).offset((page - 1) * per_page)
    return rows, await count


async def staff_list(now: datetime | None = None) -> list[dict[str, Any]]:
    """Every call, drafts too, latest opening first, each with its phase (the staff list)."""
    now = now or clock.now()
    rows = await Call.select(
        Call.slug, Call.title, Call.status, Call.opens_at, Call.closes_at, Call.budget_cents
    ).order_by(Call.opens_at, ascending=False)
    for row in rows:
        row["phase"] = phase_of(row, now)
    return rows


@dataclass
class Overview:
    open: list[dict[str, Any]] = field(default_factory=list)
    upcoming: list[dict[str, Any]] = field(default_factory=list)
    past: list[dict[str, Any]] = field(default_factory=list)


async def public_overview(now: datetime | None = None) -> Overview:
    """Published calls for the home page, grouped into open, upcoming and past."""
    now = now or clock.now()
    rows = await (
        Call.select(
            Call.id,
            Call.slug,
            Call.title,
            Call.summary,
            Call.status,
            Call.opens_at,
            Call.closes_at,
            Call.budget_cents,
            Call.jury_starts_at,
            Call.jury_ends_at,
            Call.results_published_at,
        )
        .where(Call.status != "draft")
        .order_by(Call.closes_at)
    )
    overview = Overview()
    for row in rows:
        row["phase"] = call_phase(row, now)
        getattr(
            overview, {"open": "open", "upcoming": "upcoming"}.get(phase_of(row, now), "past")
        ).append(row)
    overview.past.reverse()  # most recent first
    return overview


_CALL_BY_SLUG = f"SELECT * FROM {Call._meta.tablename} WHERE slug = {{}}"


async def get_call(slug: str, *, include_drafts: bool) -> dict[str, Any]:
    """One call by slug; a draft is invisible (404) unless the caller may see drafts."""
    # raw SQL: every call page, public and staff, starts here (db.raw_rows, issue 25)
    rows = await db.raw_rows(Call, _CALL_BY_SLUG, slug)
    row = rows[0] if rows else None
    if row is None or (row["status"] == "draft" and not include_drafts):
        raise not_found(N_("Call not found"))
    return row


async def call_document(storage, call: dict, *, base_url: str) -> dict:
    """The call's official PDF with its challenges, issued once per version of the call (public,
    verifiable): a new one after the call or one of its challenges changed."""
    challenges = await challenges_of(call["id"])
    version = max([call["updated_at"], *(c["updated_at"] for c in challenges)])
    existing = (
        await Document.select()
        .where(
            (Document.owner_type == "call")
            & (Document.owner_id == str(call["id"]))
            & (Document.kind == "call")
            & (Document.status == "stored")
            & (Document.created_at >= version)
        )
        .order_by(Document.created_at, ascending=False)
        .first()
    )
    if existing:
        return existing
    return await issue_pdf(
        storage,
        template="call.html",
        context={
            "call": to_out(call, clock.now()),
            "description_html": render_markdown(call["description"]),
            "eligibility_html": render_markdown(call["eligibility"]),
            "challenges": [
                {**c, "problem_html": render_markdown(c["problem"])} for c in challenges
            ],
            "verify_url": f"{base_url}/verify",
        },
        locale="de",
        title=f"Aufruf: {call['title']}",
        filename=f"{call['slug']}.pdf",
        kind="call",
        owner_type="call",
        owner_id=str(call["id"]),
        public=True,
    )


def call_calendar(call: dict, base_url: str, challenges: list[dict] = ()) -> bytes:
    """An iCalendar file with the call's dates; UIDs are stable so updates replace events. On a
    call with challenges each event's description names them."""
    calendar = Calendar()
    calendar.add("prodid", theme.current().prodid)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", call["title"])
    entries = [
        ("opens", "Aufruf öffnet", call["opens_at"], None),
        ("deadline", "Einreichungsfrist", call["closes_at"], None),
        ("jury", "Jury", call["jury_starts_at"], call["jury_ends_at"]),
        ("results", "Ergebnisse", call["results_at"], None),
    ]
    description = calendar_description(challenges)
    stamp = max([call["updated_at"], *(c["updated_at"] for c in challenges)])
    for key, label, start, end in entries:
        if start is None:
            continue
        event = Event()
        event.add("uid", f"{call['id']}-{key}@smart-city-challenge")
        event.add("summary", f"{label}: {call['title']}")
        event.add("dtstart", start)
        event.add("dtend", end or start)
        event.add("dtstamp", stamp)
        event.add("url", f"{base_url}/calls/{call['slug']}")
        if description:
            event.add("description", description)
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_description(challenges: list[dict]) -> str:
    """The challenges of a call for a calendar entry (German, like the call), or ""."""
    if not challenges:
        return ""
    lines = [f"– {c['title']} ({c['unit_name']})" for c in challenges]
    return "\n".join(["Challenges:", *lines])


async def challenge_cards(call_id) -> list[dict]:
    """The call's challenges for its page and the home page, each with a teaser of its problem
    (empty for a call without challenges)."""
    return [{**c, "teaser": teaser(c["problem"])} for c in await challenges_of(call_id)]


@lru_cache(maxsize=512)
def teaser(markdown: str, limit: int = 180) -> str:
    """The first paragraph of a Markdown text (headings skipped) as plain text, cut after a
    word near ``limit`` characters."""
    paragraph = next(
        (
            block
            for block in (markdown or "").split("\n\n")
            if block.strip() and not block.lstrip().startswith("#")
        ),
        "",
    )
    text = " ".join(html.unescape(nh3.clean(str(render_markdown(paragraph)), tags=set())).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.–-") + " …"
