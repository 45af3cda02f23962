"""Removing what an interrupted upload left behind: objects without a row, stale pending rows."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from challenge.platform import clock
from challenge.platform.documents.tables import Document
from challenge.platform.storage import Storage, StorageUnavailable

log = logging.getLogger("challenge.documents")
GRACE = timedelta(days=1)


async def remove_orphans(storage: Storage, now: datetime | None = None) -> int:
    """Delete objects older than a day that no document row knows, and day-old pending uploads."""
    now = now or clock.now()
    removed = 0
    stale = await Document.select(Document.id, Document.storage_key).where(
        (Document.status == "pending") & (Document.created_at < now - GRACE)
    )
    for row in stale:
        try:
            await storage.delete(row["storage_key"])
        except StorageUnavailable:
            continue
        await Document.delete().where(Document.id == row["id"])
        removed += 1
    async for info in storage.list_objects():
        if info.last_modified > now - GRACE:
            continue
        if not await Document.exists().where(Document.storage_key == info.key):
            try:
                await storage.delete(info.key)
                removed += 1
            except StorageUnavailable:
                log.warning("could not remove orphaned object %s", info.key)
    return removed
