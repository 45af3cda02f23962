"""A person's share of announcements: which ones reached them (export), and removing that record
(erasure). The announcements themselves are staff's words to a group and stay."""

from __future__ import annotations

from uuid import UUID

from challenge.messages.tables import AnnouncementRecipient


async def export(user_id: UUID) -> dict:
    """{"announcements": [{subject, sent_at, status}]} for the person's data file."""
    rows = (
        await AnnouncementRecipient.select(
            AnnouncementRecipient.announcement.subject_de.as_alias("subject_de"),
            AnnouncementRecipient.announcement.subject_en.as_alias("subject_en"),
            AnnouncementRecipient.locale,
            AnnouncementRecipient.status,
            AnnouncementRecipient.created_at,
        )
        .where(AnnouncementRecipient.user == user_id)
        .order_by(AnnouncementRecipient.created_at)
    )
    return {
        "announcements": [
            {
                "subject": row["subject_en"] if row["locale"] == "en" else row["subject_de"],
                "status": row["status"],
                "at": row["created_at"].isoformat(),
            }
            for row in rows
        ]
    }


async def erase(user_id: UUID, address: str) -> dict:
    """Remove the person's recipient rows (inside the erasure's transaction)."""
    removed = await AnnouncementRecipient.count().where(AnnouncementRecipient.user == user_id)
    await AnnouncementRecipient.delete().where(AnnouncementRecipient.user == user_id)
    return {"announcement_recipients": removed}
