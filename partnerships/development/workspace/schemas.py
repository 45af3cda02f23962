"""What the workspace's API and forms take: a checklist item's change and a meeting."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class ChecklistIn(msgspec.Struct, kw_only=True):
    status: str
    owner: str
    note: str = ""
    due_on: date | None = None


class MeetingIn(msgspec.Struct, kw_only=True):
    held_at: datetime
    participants: str
    minutes: str = ""
