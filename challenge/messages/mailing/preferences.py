"""A person's notification settings: thread messages by mail at once or in a daily digest, and
announcements or not. One row per person (unique on the user), made with the defaults on first
use — parallel first uses make one row. Mails with legal weight (category "transactional":
deadlines, results, contracts, payments, account mails) are not covered and always go.

The unsubscribe token is random (secrets.token_urlsafe), only ever put into the person's own
announcement mails (List-Unsubscribe), and turns announcements off without a login."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from uuid import UUID

from challenge import db
from challenge.messages.tables import THREAD_MAIL, AnnouncementRecipient, NotificationSetting
from challenge.platform import clock
from challenge.platform.i18n import N_
from challenge.platform.mail.tables import OutboxMail
from challenge.platform.problems import FieldError, Problem

# The columns people see (the API's and the page's); never the unsubscribe token.
PUBLIC = ("thread_mail", "announcements", "updated_at")

_INSERT_MANY = (
    'INSERT INTO notification_settings (id, "user", thread_mail, announcements, '
    "unsubscribe_token, updated_at) VALUES {values} ON CONFLICT DO NOTHING"
)
BATCH = 150  # people per statement (5 parameters each: within SQLite's old limit of 999)


async def _row(user_id: UUID) -> dict | None:
    return await NotificationSetting.select().where(NotificationSetting.user == user_id).first()


async def settings_of(user_id: UUID) -> dict:
    """The person's settings row, made with the defaults (thread mail at once, announcements on)
    on first use; inside the caller's transaction if one is open. ON CONFLICT DO NOTHING: of
    parallel first uses one makes the row, the others read it."""
    row = await _row(user_id)
    if row is None:
        await unsubscribe_urls([user_id], "")
        row = await _row(user_id)
    return row


def public(row: dict) -> dict:
    """What the person's settings page and the API show of the row."""
    return {name: row[name] for name in PUBLIC}


def _checked(thread_mail: str, announcements: object) -> tuple[str, bool]:
    errors = []
    if thread_mail not in THREAD_MAIL:
        errors.append(FieldError("thread_mail", N_("Choose how you want to hear of new messages.")))
    if not isinstance(announcements, bool):
        errors.append(FieldError("announcements", N_("Say whether you want announcements.")))
    if errors:
        raise Problem(
            422, "validation_error", N_("Some fields are missing or invalid."), errors=errors
        )
    return thread_mail, bool(announcements)


async def update(user_id: UUID, *, thread_mail: str, announcements: bool) -> dict:
    """Save the person's choices. Switching to the digest starts its day now: the first digest
    comes at the next digest time, not at the worker's next round."""
    thread_mail, announcements = _checked(thread_mail, announcements)
    now = clock.now()
    async with db.write_transaction():
        current = await settings_of(user_id)
        values = {
            NotificationSetting.thread_mail: thread_mail,
            NotificationSetting.announcements: announcements,
            NotificationSetting.updated_at: now,
        }
        if thread_mail == "daily" and current["thread_mail"] != "daily":
            values[NotificationSetting.last_digest_at] = now
        await NotificationSetting.update(values).where(NotificationSetting.user == user_id)
        if not announcements:
            await withdraw_waiting_announcements(user_id)
    return await settings_of(user_id)


async def withdraw_waiting_announcements(user_id: UUID) -> int:
    """Inside the caller's transaction, once the person turned announcements off: their
    announcement mails still waiting in the outbox are taken back (their recipient rows say
    "unsubscribed"); mails already handed to the relay are gone."""
    waiting = await AnnouncementRecipient.select(AnnouncementRecipient.mail).where(
        (AnnouncementRecipient.user == user_id)
        & (AnnouncementRecipient.status == "mailed")
        & AnnouncementRecipient.mail.is_not_null()
    )
    ids = [row["mail"] for row in waiting]
    if not ids:
        return 0
    taken = await (
        OutboxMail.delete()
        .where(
            OutboxMail.id.is_in(ids)
            & (OutboxMail.status == "pending")
            & (OutboxMail.category == "announcement")
        )
        .returning(OutboxMail.id)
    )
    if taken:
        await AnnouncementRecipient.update({AnnouncementRecipient.status: "unsubscribed"}).where(
            AnnouncementRecipient.mail.is_in([row["id"] for row in taken])
        )
    return len(taken)


async def by_token(token: str) -> dict | None:
    """The settings row of an unsubscribe token, or None (also for anything not shaped like one)."""
    if not token or len(token) > 64:
        return None
    return (
        await NotificationSetting.select(
            NotificationSetting.id,
            NotificationSetting.user,
            NotificationSetting.announcements,
        )
        .where(NotificationSetting.unsubscribe_token == token)
        .first()
    )


async def unsubscribe(token: str) -> bool:
    """Turn announcements off for the token's person (RFC 8058 one-click). False for an unknown
    token; repeating it changes nothing and answers True. The row's updated_at says when."""
    async with db.write_transaction():
        row = await by_token(token)
        if row is None:
            return False
        if row["announcements"]:
            await NotificationSetting.update(
                {
                    NotificationSetting.announcements: False,
                    NotificationSetting.updated_at: clock.now(),
                }
            ).where(NotificationSetting.id == row["id"])
        await withdraw_waiting_announcements(row["user"])
    return True


async def wants_announcements(user_ids: Iterable[UUID]) -> set[UUID]:
    """Those of these people who have not switched announcements off (no row: the default, on)."""
    ids = {db.as_uuid(user_id) for user_id in user_ids}
    if not ids:
        return set()
    off = await NotificationSetting.select(NotificationSetting.user).where(
        NotificationSetting.user.is_in(list(ids)) & (NotificationSetting.announcements.eq(False))
    )
    return ids - {db.as_uuid(row["user"]) for row in off}


async def thread_mail_of(user_ids: Iterable[UUID]) -> dict[UUID, str]:
    """How each of these people hears of thread messages ("immediate" without a row)."""
    ids = [db.as_uuid(user_id) for user_id in user_ids]
    chosen = {
        db.as_uuid(row["user"]): row["thread_mail"]
        for row in await NotificationSetting.select(
            NotificationSetting.user, NotificationSetting.thread_mail
        ).where(NotificationSetting.user.is_in(ids or [uuid.UUID(int=0)]))
    }
    return {user_id: chosen.get(user_id, "immediate") for user_id in ids}


async def unsubscribe_urls(user_ids: Iterable[UUID], base_url: str) -> dict[UUID, str]:
    """Each person's one-click unsubscribe address (rows made on first use, in batches)."""
    ids = list(dict.fromkeys(db.as_uuid(user_id) for user_id in user_ids))
    tokens: dict[UUID, str] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        tokens.update(await _tokens(chunk))
        for _attempt in range(3):  # a token collision (never seen) leaves a row out: new tokens
            missing = [user_id for user_id in chunk if user_id not in tokens]
            if not missing:
                break
            await _insert(missing)
            tokens.update(await _tokens(missing))
    if lost := [user_id for user_id in ids if user_id not in tokens]:
        raise RuntimeError(f"no notification settings for {len(lost)} people")
    return {user_id: f"{base_url}/unsubscribe/{tokens[user_id]}" for user_id in ids}


async def _insert(missing: list[UUID]) -> None:
    """Rows with the defaults for these people; ON CONFLICT DO NOTHING: of parallel first uses
    one makes each row."""
    now = clock.now()
    values = ", ".join("({}, {}, 'immediate', {}, {}, {})" for _ in missing)
    args: list = []
    for user_id in missing:
        args += [uuid.uuid4(), user_id, True, secrets.token_urlsafe(32), now]
    async with db.write_transaction():
        await NotificationSetting.raw(_INSERT_MANY.format(values=values), *args)


async def _tokens(ids: list[UUID]) -> dict[UUID, str]:
    return {
        db.as_uuid(row["user"]): row["unsubscribe_token"]
        for row in await NotificationSetting.select(
            NotificationSetting.user, NotificationSetting.unsubscribe_token
        ).where(NotificationSetting.user.is_in(ids))
    }
