"""Moderation of residents' problems: staff publish or decline a pending problem (with a reason
the author reads; a pending duplicate is declined with a pointer to the published problem it
repeats), merge a published duplicate into another published problem (its supports move there),
or withdraw a published problem from the public (reason required, the author is mailed).

Each decision is one conditional UPDATE (``… WHERE status IN (…)``) inside a write transaction
that first locks the problem's row — and a merge's target, both in id order, so two crossing
merges cannot deadlock and no support lands on a problem being merged: of two moderators
deciding the same problem at once, one changes it and the other gets 409
``already_moderated``. The decision, its audit entry, the moved supports with both problems'
recounted support_count, and the author's mail commit together. A merge starts only from a
published problem: a merged problem is shown to everyone, so one that was never published must
not become readable that way."""

from __future__ import annotations

import uuid
from uuid import UUID

from challenge import db
from challenge.participation import policies
from challenge.participation.problems.service import LIST_COLUMNS, invalid, public_list, shown
from challenge.participation.tables import ProblemSupport, ResidentProblem
from challenge.platform import clock
from challenge.platform.accounts.tables import User
from challenge.platform.audit.service import record
from challenge.platform.i18n import N_
from challenge.platform.mail.outbox import enqueue
from challenge.platform.pagination import page_within
from challenge.platform.problems import FieldError, Problem, forbidden, not_found

DECISIONS = ("publish", "decline", "merge", "withdraw")
REASON_MAX = 2_000
QUEUE_PAGE_SIZE = 20
# the states a decision starts from
FROM_STATES = {
    "publish": ("pending",),
    "decline": ("pending",),
    "merge": ("published",),
    "withdraw": ("published",),
}
TO_STATE = {
    "publish": "published",
    "decline": "declined",
    "merge": "merged",
    "withdraw": "withdrawn",
}
MAILS = {
    "publish": "problem_published",
    "decline": "problem_declined",
    "merge": "problem_merged",
    "withdraw": "problem_withdrawn",
}
REASON_REQUIRED = N_("Tell the author why the problem is declined.")
WITHDRAW_REASON_REQUIRED = N_("Tell the author why the problem is taken down.")
TARGET_REQUIRED = N_("Choose the published problem to merge into.")


def _check(problem_id: UUID, decision: str, reason: str, into: UUID | None) -> None:
    errors = []
    if decision not in DECISIONS:
        errors.append(FieldError("decision", N_("Choose publish, decline, merge or withdraw.")))
    if decision == "decline" and not reason:
        errors.append(FieldError("reason", REASON_REQUIRED))
    if decision == "withdraw" and not reason:
        errors.append(FieldError("reason", WITHDRAW_REASON_REQUIRED))
    if len(reason) > REASON_MAX:
        errors.append(FieldError("reason", N_("At most 2,000 characters, please.")))
    if decision == "merge" and (into is None or into == problem_id):
        errors.append(FieldError("into", TARGET_REQUIRED))
    if decision == "decline" and into == problem_id:
        errors.append(FieldError("into", TARGET_REQUIRED))
    if errors:
        raise invalid(errors)


async def _lock(problem_id: UUID, into: UUID | None) -> None:
    """Lock the problem's row and the target's, in id order (crossing merges wait, never
    deadlock)."""
    for row_id in sorted({problem_id, into} - {None}):
        await db.lock_row(ResidentProblem, row_id)


async def _target(into: UUID) -> dict:
    """A merge's (or a duplicate's) target must be published (422 ``merge_target_invalid``
    otherwise); its row is locked until commit, so it cannot be merged away meanwhile."""
    row = (
        await ResidentProblem.select(
            ResidentProblem.id, ResidentProblem.status, ResidentProblem.title
        )
        .where(ResidentProblem.id == into)
        .first()
    )
    if row is None or row["status"] != "published":
        message = N_("Only a published problem can take in a duplicate.")
        raise Problem(422, "merge_target_invalid", message, errors=[FieldError("into", message)])
    return row


def _refuse_pending_merge(row: dict, decision: str) -> None:
    if decision == "merge" and row["status"] == "pending":
        message = N_(
            "A problem that was never published cannot be merged: decline it with a reason"
            " and choose the published problem it repeats."
        )
        raise Problem(409, "merge_needs_published", message, errors=[FieldError("into", message)])


async def _apply(actor, problem_id: UUID, decision: str, reason: str, into) -> bool:
    """The conditional UPDATE: True when this call changed the problem."""
    now = clock.now()
    changes = {
        ResidentProblem.status: TO_STATE[decision],
        ResidentProblem.reason: reason,
        ResidentProblem.moderated_by: actor.id,
        ResidentProblem.moderated_at: now,
    }
    if decision == "publish":
        changes[ResidentProblem.published_at] = now
    if decision in ("merge", "decline"):
        changes[ResidentProblem.merged_into] = into
    updated = (
        await ResidentProblem.update(changes)
        .where(
            (ResidentProblem.id == problem_id)
            & ResidentProblem.status.is_in(list(FROM_STATES[decision]))
        )
        .returning(ResidentProblem.id)
    )
    return bool(updated)


async def _recount(problem_id: UUID) -> None:
    count = await ProblemSupport.count().where(ProblemSupport.problem == problem_id)
    await ResidentProblem.update({ResidentProblem.support_count: count}).where(
        ResidentProblem.id == problem_id
    )


async def _move_supports(source: UUID, target: UUID) -> int:
    """The source's supports onto the target (one per person: duplicates are dropped), both
    counts recounted; returns how many supports the target gained."""
    rows = await ProblemSupport.select(ProblemSupport.user, ProblemSupport.created_at).where(
        ProblemSupport.problem == source
    )
    added = []
    if rows:
        added = (
            await ProblemSupport.insert(
                *(
                    ProblemSupport(
                        id=uuid.uuid4(),
                        problem=target,
                        user=row["user"],
                        created_at=row["created_at"],
                    )
                    for row in rows
                )
            )
            .on_conflict(target=(ProblemSupport.problem, ProblemSupport.user), action="DO NOTHING")
            .returning(ProblemSupport.id)
        )
        await ProblemSupport.delete().where(ProblemSupport.problem == source)
    await _recount(source)
    await _recount(target)
    return len(added)


async def _mail_author(row: dict, decision: str, reason: str, target, base_url: str) -> None:
    if row["author"] is None:
        return
    author = (
        await User.select(User.email, User.locale, User.is_active)
        .where(User.id == row["author"])
        .first()
    )
    if author is None or not author["is_active"]:
        return
    context = {
        "title": row["title"],
        "reason": reason,
        "link": f"{base_url}/mitmachen/{row['id']}",
        "base_url": base_url,
    }
    if target is not None:
        context["target_title"] = target["title"]
        context["target_link"] = f"{base_url}/mitmachen/{target['id']}"
        if decision == "decline":  # the reason points to the problem it repeats
            context["reason"] = f"{reason}\n\n{target['title']}: {context['target_link']}"
    await enqueue(author["email"], MAILS[decision], locale=author["locale"], context=context)


async def moderate(
    actor,
    problem_id: UUID,
    decision: str,
    reason: str = "",
    into: UUID | None = None,
    *,
    base_url: str,
) -> dict:
    """Publish, decline, merge or withdraw one problem (staff; 404 unknown, 409 decided
    meanwhile or a merge of a never published problem)."""
    if not policies.may_moderate(actor):
        raise forbidden(N_("Only staff moderate problems."))
    reason = (reason or "").strip()
    if decision not in ("merge", "decline"):
        into = None
    _check(problem_id, decision, reason, into)
    async with db.write_transaction():
        await _lock(problem_id, into)
        row = await ResidentProblem.select().where(ResidentProblem.id == problem_id).first()
        if row is None:
            raise not_found(N_("This problem does not exist."))
        _refuse_pending_merge(row, decision)
        target = await _target(into) if into is not None else None
        if not await _apply(actor, problem_id, decision, reason, into):
            raise Problem(409, "already_moderated", N_("This problem has already been moderated."))
        payload = {"decision": decision, "reason": reason}
        if into is not None:
            payload["into"] = str(into)
        if decision == "merge":
            payload["supports_moved"] = await _move_supports(problem_id, into)
        await record(
            f"problem.{TO_STATE[decision]}",
            actor=actor,
            object_type="problem",
            object_id=problem_id,
            payload=payload,
        )
        await _mail_author(row, decision, reason, target, base_url)
    return await ResidentProblem.select().where(ResidentProblem.id == problem_id).first()


QUEUE_COLUMNS = (*LIST_COLUMNS, ResidentProblem.description_html, ResidentProblem.document)


async def queue(page: int = 1) -> dict:
    """Pending problems, oldest first: {items, total, page, pages}."""
    where = ResidentProblem.status == "pending"
    total = await ResidentProblem.count().where(where)
    page, pages = page_within(page, total, QUEUE_PAGE_SIZE)
    rows = (
        await ResidentProblem.select(*QUEUE_COLUMNS)
        .where(where)
        .order_by(ResidentProblem.created_at)
        .offset((page - 1) * QUEUE_PAGE_SIZE)
        .limit(QUEUE_PAGE_SIZE)
    )
    return {"items": await shown(rows), "total": total, "page": page, "pages": pages}


async def queue_items(problem_ids: list[UUID]) -> list[dict]:
    """These problems as the queue shows them, if still pending (a refused form's problem is
    shown first, wherever it is in the queue)."""
    rows = await ResidentProblem.select(*QUEUE_COLUMNS).where(
        ResidentProblem.id.is_in(problem_ids) & (ResidentProblem.status == "pending")
    )
    return await shown(rows)


async def merge_targets(problem_id: UUID, q: str = "", page: int = 1) -> dict:
    """Published problems a duplicate may join (search by words), the problem itself left out."""
    found = await public_list(sort="new", q=q, page=page)
    found["items"] = [row for row in found["items"] if row["id"] != problem_id]
    return found
