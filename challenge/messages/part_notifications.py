"""What the notifications part of conversations adds to the messages domain's record (merged by
challenge.messages.domain): the settings page and API, the one-click unsubscribe routes, the daily
digest as a periodic task, and its share of a person's data."""

from __future__ import annotations

from challenge.platform.parts import Part


def part() -> Part:
    """The notifications part: settings, digest, unsubscribe (challenge.messages.mailing)."""
    from challenge.messages.mailing import api, digest, pages, privacy

    return Part(
        routers=[
            pages.NotificationSettingsPages,
            pages.unsubscribe_form,
            pages.unsubscribe,
            api.NotificationSettingsApi,
        ],
        periodic=[digest.send_digests],
        privacy_export=privacy.export,
        privacy_erase=privacy.erase,
    )
