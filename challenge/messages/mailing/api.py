"""JSON API of a person's notification settings: GET and PUT /api/v1/me/notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec
from litestar import Controller, Request, get, put
from litestar.params import JSONBody

from challenge.messages.mailing import preferences
from challenge.platform.accounts.guards import login_required
from challenge.platform.accounts.web import current_user

# What no setting switches off (the mail categories with legal or account weight).
ALWAYS_SENT = ["deadlines", "results", "contracts", "payments", "account"]


class NotificationSettingsIn(msgspec.Struct, forbid_unknown_fields=True):
    """The choices to change; a field left out stays as it is."""

    thread_mail: Literal["immediate", "daily"] | None = None
    announcements: bool | None = None


class NotificationSettingsOut(msgspec.Struct):
    """The person's choices, and what is sent whatever they choose."""

    thread_mail: Literal["immediate", "daily"]
    announcements: bool
    updated_at: datetime
    always_sent: list[str]


def _out(row: dict) -> NotificationSettingsOut:
    return NotificationSettingsOut(**preferences.public(row), always_sent=ALWAYS_SENT)


class NotificationSettingsApi(Controller):
    """The signed-in person's own settings (API tokens too)."""

    path = "/api/v1/me/notifications"
    tags = ["messages"]
    guards = [login_required]

    @get("/")
    async def read(self, request: Request) -> NotificationSettingsOut:
        """How the person hears of thread messages and whether they get announcements."""
        return _out(await preferences.settings_of(current_user(request).id))

    @put("/")
    async def change(
        self, request: Request, data: JSONBody[NotificationSettingsIn]
    ) -> NotificationSettingsOut:
        """Change the choices; mails with legal weight stay on whatever is chosen."""
        user_id = current_user(request).id
        current = await preferences.settings_of(user_id)
        row = await preferences.update(
            user_id,
            thread_mail=data.thread_mail or current["thread_mail"],
            announcements=current["announcements"]
            if data.announcements is None
            else data.announcements,
        )
        return _out(row)
