"""What notification settings hold about a person, for the privacy export and erasure: the
choices (never the unsubscribe token) and the threads waiting for the next digest."""

from __future__ import annotations

from uuid import UUID

from challenge.messages.mailing import preferences
from challenge.messages.mailing.tables import DigestEntry
from challenge.messages.tables import NotificationSetting


async def export(user_id: UUID) -> dict:
    """The person's notification choices and the digest's waiting threads."""
    row = await NotificationSetting.select().where(NotificationSetting.user == user_id).first()
    return {
        "notification_settings": preferences.public(row) if row else None,
        "digest_waiting": await DigestEntry.select(
            DigestEntry.thread,
            DigestEntry.title,
            DigestEntry.messages,
            DigestEntry.first_at,
            DigestEntry.last_at,
        ).where(DigestEntry.user == user_id),
    }


async def erase(user_id: UUID, address: str) -> dict:
    """The settings row (and with it the unsubscribe token) and the digest's entries go."""
    return {
        "notification_settings": len(
            await NotificationSetting.delete()
            .where(NotificationSetting.user == user_id)
            .returning(NotificationSetting.id)
        ),
        "digest_entries": len(
            await DigestEntry.delete().where(DigestEntry.user == user_id).returning(DigestEntry.id)
        ),
    }
