"""The daily digest: people who chose it get one mail a day, after 07:00 Berlin time, listing the
threads with messages they have not read since their last digest.

Posting a message remembers each such person's thread in ``digest_entries`` (one row per person
and thread, counted up). The workers' periodic round sends the digests that are due; taking a
person's digest is a conditional update of ``last_digest_at`` inside the transaction that writes
the mail, so of two workers only one sends it (PostgreSQL re-checks the condition after the other's
commit; SQLite lets one writer in at a time)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

from challenge import db
from challenge.messages.mailing import preferences
from challenge.messages.mailing.tables import DigestEntry
from challenge.messages.tables import NotificationSetting, ThreadRead
from challenge.platform import clock
from challenge.platform.accounts.tables import User
from challenge.platform.i18n import BERLIN, DEFAULT_LOCALE, LOCALES
from challenge.platform.mail.outbox import enqueue
from challenge.settings import Settings

DIGEST_HOUR = 7  # Berlin time: the digest is there when the working day starts
LISTED = 50  # threads named in one digest; more are counted

_UPSERT = (
    'INSERT INTO digest_entries (id, "user", thread, title, link, messages, first_at, last_at) '
    'VALUES {rows} ON CONFLICT ("user", thread) DO UPDATE SET '
    "messages = digest_entries.messages + 1, last_at = excluded.last_at, "
    "title = excluded.title, link = excluded.link"
)


def digest_time(now: datetime) -> datetime:
    """The latest digest time (07:00 in Berlin) at or before ``now``, in UTC."""
    local = now.astimezone(BERLIN)
    moment = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if local < moment:
        moment -= timedelta(days=1)  # wall-clock arithmetic: 07:00 also across a DST change
    return moment.astimezone(UTC)


async def remember(
    user_ids: Sequence[UUID], thread_id: UUID, at: datetime, *, title: str, link: str
) -> int:
    """Inside the posting transaction: these people hear of the thread in their next digest."""
    if not user_ids:
        return 0
    # One statement, people in a fixed order: two posts in one thread lock the rows alike.
    people = sorted(set(user_ids), key=str)
    rows = ", ".join("({}, {}, {}, {}, {}, 1, {}, {})" for _ in people)
    args: list = []
    for user_id in people:
        args += [uuid.uuid4(), user_id, thread_id, title[:300], link[:500], at, at]
    await DigestEntry.raw(_UPSERT.format(rows=rows), *args)
    return len(people)


async def _due(cutoff: datetime) -> list[UUID]:
    """People with entries whose last digest was before the latest digest time."""
    waiting = {row["user"] for row in await DigestEntry.select(DigestEntry.user).distinct()}
    if not waiting:
        return []
    last = {
        row["user"]: row["last_digest_at"]
        for row in await NotificationSetting.select(
            NotificationSetting.user, NotificationSetting.last_digest_at
        ).where(NotificationSetting.user.is_in(list(waiting)))
    }
    for user_id in waiting - set(last):
        await preferences.settings_of(user_id)  # no row yet: made with its defaults, due now
        last[user_id] = None
    return [user_id for user_id, at in last.items() if at is None or at < cutoff]


async def _take(user_id: UUID, cutoff: datetime, now: datetime) -> bool:
    """This worker's turn for the person's digest (False: another worker took it, or not due)."""
    taken = (
        await NotificationSetting.update({NotificationSetting.last_digest_at: now})
        .where(
            (NotificationSetting.user == user_id)
            & (
                NotificationSetting.last_digest_at.is_null()
                | (NotificationSetting.last_digest_at < cutoff)
            )
        )
        .returning(NotificationSetting.id)
    )
    return bool(taken)


async def _unread(user_id: UUID) -> list[dict]:
    """The person's entries, newest first, without the threads read since; all are cleared (an
    entry a parallel post counted up since stays, for the next digest)."""
    entries = await (
        DigestEntry.select()
        .where(DigestEntry.user == user_id)
        .order_by(DigestEntry.last_at, ascending=False)
    )
    if not entries:
        return []
    read = {
        row["thread"]: row["read_at"]
        for row in await ThreadRead.select(ThreadRead.thread, ThreadRead.read_at).where(
            (ThreadRead.user == user_id)
            & ThreadRead.thread.is_in([entry["thread"] for entry in entries])
        )
    }
    for entry in entries:
        await DigestEntry.delete().where(
            (DigestEntry.id == entry["id"]) & (DigestEntry.messages == entry["messages"])
        )
    return [
        entry
        for entry in entries
        if read.get(entry["thread"]) is None or read[entry["thread"]] < entry["last_at"]
    ]


async def _send_one(settings: Settings, user_id: UUID, cutoff: datetime, now: datetime) -> bool:
    async with db.write_transaction():
        if not await _take(user_id, cutoff, now):
            return False
        unread = await _unread(user_id)
        person = (
            await User.select(User.email, User.locale)
            .where((User.id == user_id) & User.is_active.eq(True))
            .first()
        )
        if not unread or person is None:
            return False
        locale = person["locale"] if person["locale"] in LOCALES else DEFAULT_LOCALE
        await enqueue(
            person["email"],
            "thread_digest",
            locale=locale,
            context={
                "base_url": settings.base_url,
                "threads": [
                    {"title": e["title"], "link": e["link"], "messages": e["messages"]}
                    for e in unread[:LISTED]
                ],
                "more": max(len(unread) - LISTED, 0),
                "settings_link": f"{settings.base_url}/account/notifications",
            },
            category="digest",
        )
    return True


async def send_digests(settings: Settings, now: datetime | None = None) -> int:
    """The periodic task: every digest that is due; returns how many this worker sent."""
    now = now or clock.now()
    cutoff = digest_time(now)
    sent = 0
    for user_id in await _due(cutoff):
        if await _send_one(settings, user_id, cutoff, now):
            sent += 1
    return sent
