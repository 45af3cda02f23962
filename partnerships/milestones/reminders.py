"""Milestone reminders the workers send: 14 days before the due date, on the day, and 7 days
overdue — each once per milestone and kind, even with several workers (a unique index on
(milestone, kind) decides who sends; the mail is written in the same transaction)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from challenge import db
from challenge.organisations.tables import Membership
from challenge.platform import clock
from challenge.platform.audit.service import record
from challenge.platform.mail.outbox import enqueue
from challenge.settings import Settings
from partnerships.tables import Milestone, Reminder

log = logging.getLogger(__name__)
KINDS = ("due_in_14", "due_today", "overdue_7")


def due_kinds(due: date, on: date) -> list[str]:
    """Which reminders a waiting milestone has earned by a day (the latest first missed ones too:
    a worker that was down sends what is still meaningful, not a burst of stale ones)."""
    if on >= due + timedelta(days=7):
        return ["overdue_7"]
    if on >= due:
        return ["due_today"]
    if on >= due - timedelta(days=14):
        return ["due_in_14"]
    return []


async def _waiting(on) -> list[dict]:
    """Open milestones of active partnerships due within 14 days (or overdue)."""
    return await Milestone.select(
        Milestone.id,
        Milestone.title,
        Milestone.due_date,
        Milestone.partnership,
        Milestone.partnership.title.as_alias("partnership_title"),
        Milestone.partnership.organisation.as_alias("organisation"),
        Milestone.partnership.call.as_alias("call"),
    ).where(
        Milestone.status.is_in(["planned", "changes_requested"])
        & (Milestone.partnership.status == "active")
        & (Milestone.due_date <= on + timedelta(days=14))
    )


async def _mail_team(settings: Settings, milestone: dict, kind: str) -> int:
    """Queue the reminder for every member of the team; returns how many."""
    members = await Membership.select(
        Membership.user.email.as_alias("email"),
        Membership.user.locale.as_alias("locale"),
    ).where(Membership.organisation == milestone["organisation"])
    for member in members:
        await enqueue(
            member["email"],
            "milestone_reminder",
            locale=member["locale"],
            context={
                "base_url": settings.base_url,
                "kind": kind,
                "milestone": milestone["title"],
                "title": milestone["partnership_title"],
                "due_date": milestone["due_date"],
                "link": f"{settings.base_url}/partner/partnerships/{milestone['partnership']}",
            },
            scope=str(milestone["call"]),
        )
    return len(members)


async def _send_one(settings: Settings, milestone: dict, kind: str) -> bool:
    """Send one reminder unless it was sent already; the unique index settles races."""
    try:
        async with db.write_transaction():
            if await Reminder.exists().where(
                (Reminder.milestone == milestone["id"]) & (Reminder.kind == kind)
            ):
                return False
            await Reminder(milestone=milestone["id"], kind=kind, sent_at=clock.now()).save()
            recipients = await _mail_team(settings, milestone, kind)
            await record(
                "milestone.reminder",
                object_type="milestone",
                object_id=milestone["id"],
                actor_label="worker",
                payload={"kind": kind, "recipients": recipients},
            )
        return True
    except Exception as error:  # noqa: BLE001 - another worker won the unique index: its reminder stands
        if "unique" not in str(error).lower():
            raise
        log.info("reminder %s for %s sent by another worker", kind, milestone["id"])
        return False


async def send_reminders(settings: Settings, now: datetime | None = None) -> int:
    """Send the reminders that are due; returns how many this worker sent."""
    on = (now or clock.now()).date()
    waiting = await _waiting(on)
    if not waiting:
        return 0
    sent = {
        (r["milestone"], r["kind"])
        for r in await Reminder.select(Reminder.milestone, Reminder.kind).where(
            Reminder.milestone.is_in([m["id"] for m in waiting])
        )
    }
    count = 0
    for milestone in waiting:
        for kind in due_kinds(milestone["due_date"], on):
            if (milestone["id"], kind) not in sent and await _send_one(settings, milestone, kind):
                count += 1
    return count
