"""The outbox as admins see it: status, attempts and last error of each mail."""

from __future__ import annotations

from challenge.platform.mail.tables import OUTBOX_STATES, OutboxMail


async def list_outbox(*, status: str | None = None, page: int = 1, per_page: int = 50):
    """Mails newest first, optionally of one status."""
    select = OutboxMail.select(
        OutboxMail.id,
        OutboxMail.to_address,
        OutboxMail.subject,
        OutboxMail.template,
        OutboxMail.status,
        OutboxMail.attempts,
        OutboxMail.last_error,
        OutboxMail.created_at,
        OutboxMail.sent_at,
        OutboxMail.next_attempt_at,
    ).order_by(OutboxMail.created_at, ascending=False)
    count = OutboxMail.count()
    if status in OUTBOX_STATES:
        select = select.where(OutboxMail.status == status)
        count = count.where(OutboxMail.status == status)
    return await select.limit(per_page).offset((page - 1) * per_page), await count
