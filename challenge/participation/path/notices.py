"""Supporters hear of every step of a problem's path (issue 21, point 3): a periodic job computes
the path of each linked problem and, for the steps not yet told, writes one mail to each
supporter (the author counts as one) in their language — like an announcement: whoever switched
announcements off gets none, and every mail can unsubscribe in one click.

Each step is told once: the step is claimed with ``INSERT … ON CONFLICT (problem, step) DO
NOTHING RETURNING`` and the first BATCH mails are written in the same transaction, so two workers
never both send it; the further mails follow in transactions of BATCH each (on SQLite a write
transaction holds every other writer: thousands of supporters must not stop the portal). A
worker stopped between two batches leaves the rest of that step's mails unwritten — the step
stays claimed, never sent twice. Steps that appear together (a problem linked to a challenge
whose results are out) go out as one mail naming the newest; the others are listed in it and
count as told."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from challenge import db
from challenge.messages import notifications
from challenge.participation.path.steps import paths_of
from challenge.participation.tables import ProblemNotice, ProblemSupport, ResidentProblem
from challenge.platform import clock
from challenge.platform.accounts.tables import User
from challenge.platform.audit.service import record
from challenge.platform.mail.outbox import enqueue
from challenge.settings import Settings

TEMPLATE = "participation_step"
BATCH = 200  # mails written per transaction
_CLAIM = (
    "INSERT INTO problem_notices (id, problem, step, sent_at) VALUES ({}, {}, {}, {})"
    " ON CONFLICT (problem, step) DO NOTHING RETURNING step"
)


async def _claim(problem_id: UUID, steps: list[dict], now: datetime) -> list[dict]:
    """The steps this worker claims (those no other worker told already)."""
    won = []
    for step in steps:
        rows = await ProblemNotice.raw(_CLAIM, uuid.uuid4(), problem_id, step["key"], now)
        if rows:
            won.append(step)
    return won


async def _supporters(problem: dict) -> list[dict]:
    """The problem's supporters and its author, with address and language (active accounts)."""
    ids = {
        row["user"]
        for row in await ProblemSupport.select(ProblemSupport.user).where(
            ProblemSupport.problem == problem["id"]
        )
    }
    if problem["author"] is not None:
        ids.add(problem["author"])
    if not ids:
        return []
    return await User.select(User.id, User.email, User.locale).where(
        User.id.is_in(list(ids)) & User.is_active.eq(True)
    )


def _context(settings: Settings, problem: dict, step: dict, earlier: list[dict]) -> dict:
    return {
        "base_url": settings.base_url,
        "title": problem["title"],
        "step": step["label"],
        "detail": step.get("detail", ""),
        "count": step.get("count"),
        "met": step.get("met"),
        "total": step.get("total"),
        "earlier": [s["label"] for s in earlier],
        "link": f"{settings.base_url}/mitmachen/{problem['id']}#path",
    }


async def _recipients(settings: Settings, problem: dict) -> list[tuple[dict, dict]]:
    """(person, headers) of the supporters and author who want announcements, by id."""
    people = await _supporters(problem)
    wanted = await notifications.wants_announcements([p["id"] for p in people])
    if not wanted:
        return []
    headers = await notifications.announcement_headers_many(list(wanted), settings.base_url)
    chosen = [p for p in people if p["id"] in wanted]
    chosen.sort(key=lambda p: str(p["id"]))
    return [(person, headers[person["id"]]) for person in chosen]


async def _write(batch: list[tuple[dict, dict]], context: dict) -> None:
    for person, headers in batch:
        unsubscribe = headers.get("List-Unsubscribe", "").strip("<>")
        await enqueue(
            person["email"],
            TEMPLATE,
            locale=person["locale"],
            context={**context, "unsubscribe_url": unsubscribe},
            headers=headers,
            category="announcement",
        )


async def _tell(settings: Settings, problem: dict, new: list[dict], now: datetime) -> int:
    """Claim the new steps and mail the supporters about them (the first batch with the
    claim, the others in transactions of their own); the mails written."""
    recipients = await _recipients(settings, problem)
    batches = [recipients[i : i + BATCH] for i in range(0, len(recipients), BATCH)] or [[]]
    async with db.write_transaction():
        won = await _claim(problem["id"], new, now)
        if not won:
            return 0
        context = _context(settings, problem, won[-1], won[:-1])
        await _write(batches[0], context)
        await record(
            "problem.path_told",
            actor_label="worker",
            object_type="problem",
            object_id=problem["id"],
            payload={"steps": [s["key"] for s in won], "mails": len(recipients)},
        )
    for batch in batches[1:]:
        async with db.write_transaction():
            await _write(batch, context)
    return len(recipients)


async def tell_supporters(settings: Settings, now: datetime | None = None) -> int:
    """The periodic job: mail the new steps of every linked, published problem; returns the
    number of mails written by this worker."""
    now = now or clock.now()
    problems = await ResidentProblem.select(
        ResidentProblem.id,
        ResidentProblem.title,
        ResidentProblem.author,
        ResidentProblem.challenge,
        ResidentProblem.linked_at,
    ).where((ResidentProblem.status == "published") & ResidentProblem.challenge.is_not_null())
    if not problems:
        return 0
    paths = await paths_of(problems, now)
    told = {
        (row["problem"], row["step"])
        for row in await ProblemNotice.select(ProblemNotice.problem, ProblemNotice.step).where(
            ProblemNotice.problem.is_in([p["id"] for p in problems])
        )
    }
    sent = 0
    for problem in problems:
        new = [s for s in paths[problem["id"]] if (problem["id"], s["key"]) not in told]
        if new:
            sent += await _tell(settings, problem, new, now)
    return sent
