"""Residents' problems: proposing (checked, rate-limited, waiting for moderation) and reading
them as the public, their author and staff see them.

A problem is public once published (a merged one stays public and points to its target); a
pending or declined one is seen by its author and staff only — everyone else gets a 404. Lists
never count supports: each row carries its support_count and comment_count, kept by the writes
that change them, and the public list walks the index problems_by_supports."""

from __future__ import annotations

import uuid
from uuid import UUID

from challenge import db
from challenge.participation import policies, profiles
from challenge.participation.places import (
    DISTRICT_KEYS,
    TOPIC_KEYS,
    district_label,
    topic_label,
)
from challenge.participation.tables import ResidentProblem
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.markdown import render_markdown
from challenge.platform.pagination import page_within
from challenge.platform.problems import FieldError, Problem, not_found
from challenge.platform.security import ratelimit

TITLE_MAX = 150
DESCRIPTION_MIN = 20
DESCRIPTION_MAX = 5_000
PAGE_SIZE = 20
PER_PERSON = ratelimit.Limit("problem-user", 5, 24 * 60 * 60)  # problems one person proposes a day
PER_IP = ratelimit.Limit("problem-ip", 20, 24 * 60 * 60)  # from one address a day
SORTS = ("supports", "new")
NOT_FOUND = N_("This problem does not exist or is not public.")


def field_errors(title: str, description: str, district: str, topic: str) -> list[FieldError]:
    """What is wrong with a proposal's fields (empty when nothing is)."""
    errors = []
    if not title or len(title) > TITLE_MAX or "\n" in title:
        errors.append(FieldError("title", N_("Enter a title of up to 150 characters.")))
    if not DESCRIPTION_MIN <= len(description) <= DESCRIPTION_MAX:
        errors.append(
            FieldError("description", N_("Describe the problem in 20 to 5,000 characters, please."))
        )
    if district not in DISTRICT_KEYS:
        errors.append(FieldError("district", N_("Choose a district.")))
    if topic not in TOPIC_KEYS:
        errors.append(FieldError("topic", N_("Choose a topic.")))
    return errors


def invalid(errors: list[FieldError]) -> Problem:
    """422 ``validation_error`` naming the fields to fix."""
    return Problem(422, "validation_error", N_("Please check the marked fields."), errors=errors)


def cleaned(title: str, description: str, district: str, topic: str) -> dict:
    """The proposal's fields trimmed, or a 422 naming each field to fix."""
    values = {
        "title": " ".join((title or "").split()),
        "description": (description or "").strip(),
        "district": (district or "").strip(),
        "topic": (topic or "").strip(),
    }
    errors = field_errors(**values)
    if errors:
        raise invalid(errors)
    return values


async def count_attempt(actor, ip: str) -> None:
    """Count one proposal against the person's and the address's daily limits (429 beyond)."""
    for limit, subject in ((PER_PERSON, str(actor.id)), (PER_IP, ip)):
        verdict = await ratelimit.hit(limit, subject)
        if not verdict.allowed:
            raise ratelimit.too_many(verdict)


def require_participant(actor) -> None:
    """401 for anonymous visitors (a signed-in person has a verified account)."""
    if not policies.may_take_part(actor):
        raise Problem(401, "not_authenticated", N_("Please log in."))


async def propose(
    actor,
    values: dict,
    *,
    problem_id: UUID | None = None,
    document_id: UUID | None = None,
    display_name: str | None = None,
) -> dict:
    """Record checked ``values`` (see :func:`cleaned`) as a pending problem, audited, and the
    display name chosen with it (if any) in the same transaction."""
    require_participant(actor)
    now = clock.now()
    row = ResidentProblem(
        id=problem_id or uuid.uuid4(),
        author=actor.id,
        title=values["title"],
        description=values["description"],
        description_html=str(render_markdown(values["description"])),
        district=values["district"],
        topic=values["topic"],
        document=document_id,
        status="pending",
        created_at=now,
    )
    async with db.write_transaction():
        if display_name is not None:
            await profiles.set_display_name(actor.id, display_name)
        await row.save()
        await record(
            "problem.proposed",
            actor=actor,
            object_type="problem",
            object_id=row.id,
            payload={"title": row.title, "district": row.district, "topic": row.topic},
        )
    return await get_problem(row.id)


async def get_problem(problem_id: UUID) -> dict | None:
    """One problem's row (with its challenge's status), or None."""
    return (
        await ResidentProblem.select(
            *ResidentProblem.all_columns(),
            ResidentProblem.challenge.status.as_alias("challenge_status"),
            ResidentProblem.challenge.call.status.as_alias("challenge_call_status"),
        )
        .where(ResidentProblem.id == problem_id)
        .first()
    )


async def visible_problem(user, problem_id: UUID) -> dict:
    """The problem if this person may see it, else 404 (pending and declined ones are the
    author's and staff's only)."""
    row = await get_problem(problem_id)
    if row is None or not policies.may_see_problem(user, row):
        raise not_found(NOT_FOUND)
    return row


async def shown(rows: list[dict]) -> list[dict]:
    """Rows with what pages show: labels, the author's chosen name (None: the neutral word)."""
    names = await profiles.names_for(row["author"] for row in rows)
    return [
        {
            **row,
            "district_label": district_label(row["district"]),
            "topic_label": topic_label(row["topic"]),
            "author_name": names.get(row["author"]),
            # the badge "Became a challenge": not for a declined or withdrawn challenge
            "became_challenge": row.get("challenge") is not None
            and row.get("challenge_status") not in NOT_PURSUED,
        }
        for row in rows
    ]


def _filters(topic: str = "", district: str = "", q: str = ""):
    where = ResidentProblem.status == "published"
    if topic:
        where &= ResidentProblem.topic == topic
    if district:
        where &= ResidentProblem.district == district
    text = " ".join((q or "").split())[:100]
    if text:
        where &= db.contains_text(ResidentProblem.title, text) | db.contains_text(
            ResidentProblem.description, text
        )
    return where


LIST_COLUMNS = (
    ResidentProblem.id,
    ResidentProblem.author,
    ResidentProblem.title,
    ResidentProblem.district,
    ResidentProblem.topic,
    ResidentProblem.status,
    ResidentProblem.created_at,
    ResidentProblem.published_at,
    ResidentProblem.support_count,
    ResidentProblem.comment_count,
    ResidentProblem.challenge,
    ResidentProblem.challenge.status.as_alias("challenge_status"),
    ResidentProblem.challenge.call.status.as_alias("challenge_call_status"),
)
# a problem's challenge in these states was not pursued (no "Became a challenge" badge)
NOT_PURSUED = ("declined", "withdrawn")


def public_challenge(row: dict) -> UUID | None:
    """The id of the problem's challenge once that challenge is public (approved, in a call that
    is not a draft), else None: the API names no draft (challenges.policies.is_public)."""
    if row.get("challenge_status") == "approved" and row.get("challenge_call_status") not in (
        None,
        "draft",
    ):
        return row["challenge"]
    return None


async def public_list(
    *, sort: str = "supports", topic: str = "", district: str = "", q: str = "", page: int = 1
) -> dict:
    """One page of published problems: {items, total, page, pages}. Sorted by supports (the
    index problems_by_supports: status, support_count DESC, published_at DESC) or newest."""
    where = _filters(topic, district, q)
    total = await ResidentProblem.count().where(where)
    page, pages = page_within(page, total, PAGE_SIZE)
    query = ResidentProblem.select(*LIST_COLUMNS).where(where)
    if sort == "new":
        query = query.order_by(ResidentProblem.published_at, ascending=False)
    else:
        query = query.order_by(
            ResidentProblem.support_count, ResidentProblem.published_at, ascending=False
        )
    rows = await query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    return {"items": await shown(rows), "total": total, "page": page, "pages": pages}


async def of_author(user_id: UUID, page: int = 1) -> dict:
    """One page of a person's own problems, newest first, with status and reason."""
    where = ResidentProblem.author == user_id
    total = await ResidentProblem.count().where(where)
    page, pages = page_within(page, total, PAGE_SIZE)
    rows = (
        await ResidentProblem.select(
            *LIST_COLUMNS, ResidentProblem.reason, ResidentProblem.merged_into
        )
        .where(where)
        .order_by(ResidentProblem.created_at, ascending=False)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return {"items": await shown(rows), "total": total, "page": page, "pages": pages}


async def titles_of(problem_ids) -> dict:
    """Problems' titles by id, in one query (a page naming several targets)."""
    ids = list({problem_id for problem_id in problem_ids if problem_id is not None})
    if not ids:
        return {}
    rows = await ResidentProblem.select(ResidentProblem.id, ResidentProblem.title).where(
        ResidentProblem.id.is_in(ids)
    )
    return {row["id"]: row["title"] for row in rows}


async def title_of(problem_id: UUID | None) -> str | None:
    """A problem's title (a merged problem's page names its target), or None."""
    if problem_id is None:
        return None
    row = (
        await ResidentProblem.select(ResidentProblem.title)
        .where(ResidentProblem.id == problem_id)
        .first()
    )
    return row["title"] if row else None
